{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Custody transfers 转托管 valued at that day's close (the value used by net asset inflow 资产净流入).
with

transfers as (

    select * from {{ ref('stg_lake__custody_transfers') }}
    where {{ since('business_date', start) }}

),

prices as (

    select * from {{ ref('int_security_prices_daily') }}
    where {{ since('business_date', start) }}

),

final as (

    select
        t.business_date,
        t.branch_code,
        t.transfer_id,
        t.client_id,
        t.market,
        t.security_code,
        t.direction,
        t.qty,
        t.cost_amount,
        pr.valuation_price,
        {{ round_half_away('t.qty * pr.valuation_price', 2) }} as value_at_close,
        cast(
            case t.direction when 'I' then 1 when 'O' then -1 else 0 end
            * {{ round_half_away('t.qty * pr.valuation_price', 2) }}
            as decimal(38, 2)
        ) as signed_value_at_close,
        t.source_row,
        t.dq_rules
    from transfers as t
    left join prices as pr
        on pr.business_date = t.business_date
        and pr.market = t.market
        and pr.security_code = t.security_code

)

select * from final
