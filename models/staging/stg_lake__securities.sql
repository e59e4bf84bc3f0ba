{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'market': 'varchar', 'security_code': 'varchar', 'security_name': 'varchar',
    'security_type': 'varchar', 'board': 'varchar', 'industry': 'varchar', 'list_date': 'date',
    'delist_date': 'date', 'total_shares': 'bigint', 'float_shares': 'bigint',
    'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'securities'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(market as {{ dbt.type_string() }}) as market,
        cast(security_code as {{ dbt.type_string() }}) as security_code,
        cast(security_name as {{ dbt.type_string() }}) as security_name,
        cast(security_type as {{ dbt.type_string() }}) as security_type,
        cast(board as {{ dbt.type_string() }}) as board,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(list_date as date) as list_date,
        cast(delist_date as date) as delist_date,
        cast(total_shares as bigint) as total_shares,
        cast(float_shares as bigint) as float_shares,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
