{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'transfer_id': 'varchar', 'client_id': 'varchar', 'market': 'varchar',
    'security_code': 'varchar', 'direction': 'varchar', 'qty': 'bigint',
    'cost_amount': 'decimal(18, 2)', 'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'custody_transfers'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as branch_code,
        cast(transfer_id as {{ dbt.type_string() }}) as transfer_id,
        cast(client_id as {{ dbt.type_string() }}) as client_id,
        cast(market as {{ dbt.type_string() }}) as market,
        cast(security_code as {{ dbt.type_string() }}) as security_code,
        cast(direction as {{ dbt.type_string() }}) as direction,
        cast(qty as bigint) as qty,
        cast(cost_amount as decimal(18, 2)) as cost_amount,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
