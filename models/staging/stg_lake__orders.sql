{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'order_id': 'varchar', 'client_id': 'varchar', 'market': 'varchar', 'security_code': 'varchar',
    'side': 'varchar', 'biz_type': 'varchar', 'order_price': 'decimal(18, 3)',
    'order_qty': 'bigint', 'order_time': 'time', 'channel': 'varchar', 'status': 'varchar',
    'filled_qty': 'bigint', 'cancelled_qty': 'bigint', 'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'orders'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as branch_code,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(client_id as {{ dbt.type_string() }}) as client_id,
        cast(market as {{ dbt.type_string() }}) as market,
        cast(security_code as {{ dbt.type_string() }}) as security_code,
        cast(side as {{ dbt.type_string() }}) as side,
        cast(biz_type as {{ dbt.type_string() }}) as biz_type,
        cast(order_price as decimal(18, 3)) as order_price,
        cast(order_qty as bigint) as order_qty,
        cast(order_time as time) as order_time,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(filled_qty as bigint) as filled_qty,
        cast(cancelled_qty as bigint) as cancelled_qty,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
