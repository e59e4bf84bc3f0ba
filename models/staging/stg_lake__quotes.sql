{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'market': 'varchar', 'security_code': 'varchar', 'prev_close': 'decimal(18, 3)',
    'open': 'decimal(18, 3)', 'high': 'decimal(18, 3)', 'low': 'decimal(18, 3)',
    'close': 'decimal(18, 3)', 'volume': 'bigint', 'amount': 'decimal(18, 2)',
    'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'quotes'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(market as {{ dbt.type_string() }}) as market,
        cast(security_code as {{ dbt.type_string() }}) as security_code,
        cast(prev_close as decimal(18, 3)) as prev_close_price,
        cast(open as decimal(18, 3)) as open_price,
        cast(high as decimal(18, 3)) as high_price,
        cast(low as decimal(18, 3)) as low_price,
        cast(close as decimal(18, 3)) as close_price,
        cast(volume as bigint) as volume,
        cast(amount as decimal(18, 2)) as turnover_amount,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
