{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'broker_id': 'varchar', 'broker_name': 'varchar', 'branch_code': 'varchar',
    'manager_id': 'varchar', 'broker_type': 'varchar', 'level': 'integer', 'hire_date': 'date',
    'leave_date': 'date', 'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'brokers'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(broker_id as {{ dbt.type_string() }}) as broker_id,
        cast(broker_name as {{ dbt.type_string() }}) as broker_name,
        cast(branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        cast(broker_type as {{ dbt.type_string() }}) as broker_type,
        cast(level as integer) as broker_level,
        cast(hire_date as date) as hire_date,
        cast(leave_date as date) as leave_date,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
