{{ config(**daily_incremental_config()) }}
{#- rebuilt from `start`; the previous trading day's client-days and positions give the start -#}
{%- set start = build_from() %}
{%- set read_start = lookback_from(start, trading_days=1) %}
-- Moving-average cost basis 移动加权平均成本, replayed event by event within every client-security-day
-- that has fills or custody transfers, to give each sell fill its cost removed and realized P&L
-- 已实现盈亏 (docs/contract/metrics.md; the cost rules of docs/contract/branch-export.md):
--   start       previous trading day's position (qty, cost_amount); 0 / 0 when the client had a
--               client-day then without this position or opens today; unknown (null) when the
--               previous trading day of the client is not landed (its first landed day, a gap);
--   transfers   custody transfers first (they are processed before the session), by transfer_id:
--               in adds its cost_amount, out removes its cost_amount (the share it carried away);
--   fills       then by trade_time, ties by trade_id: a buy (and an IPO allotment) adds
--               amount + fees; a sell removes round(cost x sold_qty / qty_before, 2), half away
--               from zero, exactly (no binary float: a cost of 246,913,578.23 halved is .12);
--   realized P&L of a sell = (amount - fees) - cost removed.
-- The replay is sequential (each sell's rounding depends on the previous ones): macros/cost_replay.sql
-- runs it as a recursive CTE over the step number (WITH RECURSIVE is ANSI SQL) and, on Spark, where
-- each level of a recursion is a job of its own, as one fold per client-security-day.
with recursive

calendar as (

    select calendar_date, prev_trading_day from {{ ref('int_trading_calendar') }}

),

client_days as (

    select business_date, client_id, open_date from {{ ref('int_client_daily') }}
    where {{ since('business_date', read_start) }}

),

positions as (

    select business_date, client_id, market, security_code, qty, cost_amount
    from {{ ref('stg_lake__positions') }}
    where {{ since('business_date', read_start) }}

),

fills as (

    select * from {{ ref('int_fills_with_fees') }}
    where {{ since('business_date', start) }}

),

transfers as (

    select * from {{ ref('stg_lake__custody_transfers') }}
    where {{ since('business_date', start) }}

),

events as (

    select
        business_date,
        branch_code,
        client_id,
        market,
        security_code,
        0 as event_class,
        cast(null as time) as event_time,
        transfer_id as event_id,
        'transfer' as event_kind,
        direction as side,
        qty,
        cast(case when direction = 'I' then cost_amount else 0 end as decimal(38, 2)) as cost_added,
        cast(case when direction = 'O' then cost_amount end as decimal(38, 2)) as fixed_cost_removed,
        cast(0 as decimal(38, 2)) as proceeds
    from transfers

    union all

    select
        business_date,
        branch_code,
        client_id,
        market,
        security_code,
        1 as event_class,
        trade_time as event_time,
        trade_id as event_id,
        'fill' as event_kind,
        side,
        qty,
        cast(case when side = 'B' then amount + trading_costs else 0 end as decimal(38, 2)) as cost_added,
        cast(null as decimal(38, 2)) as fixed_cost_removed,
        cast(case when side = 'S' then amount - trading_costs else 0 end as decimal(38, 2)) as proceeds
    from fills

),

numbered as (

    select
        *,
        row_number() over (
            partition by client_id, market, security_code, business_date
            order by event_class, event_time, event_id
        ) as step_no
    from events

),

groups as (

    select distinct business_date, client_id, market, security_code from events

),

starts as (

    select
        g.business_date,
        g.client_id,
        g.market,
        g.security_code,
        case
            when today.open_date = g.business_date then cast(0 as bigint)
            when previous_day.client_id is not null then cast(coalesce(p.qty, 0) as bigint)
        end as start_qty,
        case
            when today.open_date = g.business_date then cast(0 as decimal(38, 2))
            when previous_day.client_id is not null then cast(coalesce(p.cost_amount, 0) as decimal(38, 2))
        end as start_cost
    from groups as g
    inner join calendar as cal on cal.calendar_date = g.business_date
    left join client_days as today
        on today.client_id = g.client_id and today.business_date = g.business_date
    left join client_days as previous_day
        on previous_day.client_id = g.client_id and previous_day.business_date = cal.prev_trading_day
    left join positions as p
        on p.client_id = g.client_id
        and p.business_date = cal.prev_trading_day
        and p.market = g.market
        and p.security_code = g.security_code

),

steps as (

    {{ cost_replay_steps('numbered', 'starts', 'steps') }}

),

final as (

    select
        e.business_date,
        e.branch_code,
        e.client_id,
        e.market,
        e.security_code,
        e.step_no,
        e.event_kind,
        e.event_id,
        e.side,
        e.qty,
        s.qty_before,
        s.cost_before,
        s.cost_added,
        s.cost_removed,
        cast(
            s.qty_before + case when e.side in ('B', 'I') then e.qty else -e.qty end as bigint
        ) as qty_after,
        cast(s.cost_before + s.cost_added - s.cost_removed as decimal(38, 2)) as cost_after,
        cast(
            case when e.event_kind = 'fill' and e.side = 'S' then e.proceeds - s.cost_removed end
            as decimal(38, 2)
        ) as realized_pnl,
        max(e.step_no) over (
            partition by e.client_id, e.market, e.security_code, e.business_date
        ) = e.step_no as is_last_step
    from numbered as e
    inner join steps as s
        on s.business_date = e.business_date
        and s.client_id = e.client_id
        and s.market = e.market
        and s.security_code = e.security_code
        and s.step_no = e.step_no

)

select * from final
