{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'trade_id': 'varchar', 'order_id': 'varchar', 'client_id': 'varchar', 'market': 'varchar',
    'security_code': 'varchar', 'side': 'varchar', 'biz_type': 'varchar',
    'price': 'decimal(18, 3)', 'qty': 'bigint', 'amount': 'decimal(18, 2)',
    'commission': 'decimal(18, 2)', 'stamp_duty': 'decimal(18, 2)',
    'transfer_fee': 'decimal(18, 2)', 'trade_time': 'time', 'channel': 'varchar',
    'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'trades'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as branch_code,
        cast(trade_id as {{ dbt.type_string() }}) as trade_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(client_id as {{ dbt.type_string() }}) as client_id,
        cast(market as {{ dbt.type_string() }}) as market,
        cast(security_code as {{ dbt.type_string() }}) as security_code,
        cast(side as {{ dbt.type_string() }}) as side,
        cast(biz_type as {{ dbt.type_string() }}) as biz_type,
        cast(price as decimal(18, 3)) as price,
        cast(qty as bigint) as qty,
        cast(amount as decimal(18, 2)) as amount,
        cast(commission as decimal(18, 2)) as commission,
        cast(stamp_duty as decimal(18, 2)) as stamp_duty,
        cast(transfer_fee as decimal(18, 2)) as transfer_fee,
        cast(trade_time as time) as trade_time,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
