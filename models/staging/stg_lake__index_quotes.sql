{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'index_code': 'varchar', 'prev_close': 'decimal(18, 3)', 'close': 'decimal(18, 3)',
    'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'index_quotes'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(index_code as {{ dbt.type_string() }}) as index_code,
        cast(prev_close as decimal(18, 3)) as prev_close_price,
        cast(close as decimal(18, 3)) as close_price,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
