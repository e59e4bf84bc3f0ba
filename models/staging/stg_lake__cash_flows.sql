{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'flow_id': 'varchar', 'client_id': 'varchar', 'flow_type': 'varchar',
    'amount': 'decimal(18, 2)', 'flow_time': 'time', 'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'cash_flows'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as branch_code,
        cast(flow_id as {{ dbt.type_string() }}) as flow_id,
        cast(client_id as {{ dbt.type_string() }}) as client_id,
        cast(flow_type as {{ dbt.type_string() }}) as flow_type,
        cast(amount as decimal(18, 2)) as amount,
        cast(flow_time as time) as flow_time,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
