{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'client_id': 'varchar', 'cash_balance': 'decimal(18, 2)', 'source_row': 'bigint',
    'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'balances'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as branch_code,
        cast(client_id as {{ dbt.type_string() }}) as client_id,
        cast(cash_balance as decimal(18, 2)) as cash_balance,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
