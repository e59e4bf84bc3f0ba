{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'branch_code': 'varchar', 'branch_name': 'varchar', 'region_code': 'varchar',
    'region_name': 'varchar', 'city': 'varchar', 'open_date': 'date', 'source_row': 'bigint',
    'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'branches'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(branch_name as {{ dbt.type_string() }}) as branch_name,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(region_name as {{ dbt.type_string() }}) as region_name,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(open_date as date) as open_date,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
