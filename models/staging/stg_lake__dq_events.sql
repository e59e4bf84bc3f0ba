-- Data-quality events: one row per contract rule a landed row (or package) breaks. Landing writes
-- this table only for branch-days with findings, so an empty lake reads as no rows.
{% set columns = {
    'file': 'varchar', 'source_row': 'bigint', 'rule': 'varchar', 'column_name': 'varchar',
    'value': 'varchar', 'severity': 'varchar', 'detail': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'dq_events'), empty_columns=columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(file as {{ dbt.type_string() }}) as file_name,
        cast(source_row as bigint) as source_row,
        cast(rule as {{ dbt.type_string() }}) as rule_id,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(value as {{ dbt.type_string() }}) as raw_value,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(detail as {{ dbt.type_string() }}) as detail
    from source

)

select * from renamed
