{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Fills 成交, one row per fill: amount, fees, and net commission 净佣金 (commission - exchange
-- handling fee - regulator fee, each rounded half away from zero to 0.01, normal fills only), and for
-- sells the moving-average cost removed and realized P&L 已实现盈亏 (int_position_cost_steps).
with

fills as (

    select * from {{ ref('int_fills_with_fees') }}
    where {{ since('business_date', start) }}

),

clients as (select client_key from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),
securities as (select security_key from {{ ref('dim_security') }}),
channels as (select channel_key from {{ ref('dim_channel') }}),

cost_steps as (

    select business_date, branch_code, event_id, qty_before, cost_before, cost_removed, realized_pnl
    from {{ ref('int_position_cost_steps') }}
    where event_kind = 'fill' and {{ since('business_date', start) }}

),

final as (

    select
        {{ dbt.concat(["cast(f.business_date as " ~ dbt.type_string() ~ ")", "'/'", "f.branch_code", "'/'", "f.trade_id"]) }} as fill_id,
        f.business_date,
        {{ date_key('f.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        coalesce(s.security_key, '-1') as security_key,
        coalesce(ch.channel_key, '-1') as channel_key,
        f.branch_code,
        f.trade_id,
        f.order_id,
        f.client_id,
        f.market,
        f.security_code,
        f.side,
        f.biz_type,
        f.is_normal,
        f.price,
        f.qty,
        f.amount,
        f.buy_amount,
        f.sell_amount,
        f.commission,
        f.stamp_duty,
        f.transfer_fee,
        f.trading_costs,
        f.handling_fee,
        f.regulator_fee,
        f.net_commission,
        cs.qty_before as position_qty_before,
        cs.cost_before as position_cost_before,
        cast(case when f.side = 'S' then cs.cost_removed end as decimal(38, 2)) as cost_removed,
        cs.realized_pnl,
        f.trade_time,
        f.source_row,
        f.dq_rules is not null as has_dq_issue
    from fills as f
    left join clients as c on c.client_key = f.client_id
    left join branches as b on b.branch_key = f.branch_code
    left join securities as s on s.security_key = {{ security_key('f.market', 'f.security_code') }}
    left join channels as ch on ch.channel_key = f.channel
    left join cost_steps as cs
        on cs.business_date = f.business_date
        and cs.branch_code = f.branch_code
        and cs.event_id = f.trade_id

)

select * from final
