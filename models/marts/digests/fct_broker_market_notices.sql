{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Market notices 资讯主动通知, one row per recipient broker x security x business date: a security
-- held at the end of the day by the broker's clients closed limit-up 涨停 / limit-down 跌停 or moved by
-- at least market_notice_move (seed) against its previous close. Holders are routed like
-- fct_broker_reminders (servicing relations open that day; otherwise the branch's unassigned 无归属,
-- received by the branch head; a broker who left is replaced by the branch head).
with

prices as (

    select
        business_date,
        market,
        security_code,
        close_price,
        prev_close_price,
        is_limit_up,
        is_limit_down,
        {{ ratio('close_price - prev_close_price', 'prev_close_price') }} as price_change_pct
    from {{ ref('int_security_prices_daily') }}
    where close_price is not null and prev_close_price is not null and prev_close_price > 0
        and {{ since('business_date', start) }}

),

moves as (

    select *
    from prices
    where is_limit_up
        or is_limit_down
        or abs(price_change_pct) >= {{ threshold('market_notice_move') }}

),

holdings as (

    select
        p.business_date,
        p.branch_code,
        p.client_id,
        p.security_key,
        p.qty,
        p.market_value,
        p.unrealized_return,
        m.close_price,
        m.prev_close_price,
        m.price_change_pct,
        m.is_limit_up,
        m.is_limit_down
    from {{ ref('fct_positions_daily') }} as p
    inner join moves as m
        on m.business_date = p.business_date
        and m.market = p.market
        and m.security_code = p.security_code
    where p.qty > 0 and {{ since('p.business_date', start) }}

),

relations as (

    select client_id, broker_id, share_pct, start_date, open_until
    from {{ ref('int_client_broker_relations') }}
    where relation_type = '2'

),

brokers as (

    select * from {{ ref('int_broker_hierarchy') }}

),

branch_heads as (

    select branch_code, min(broker_id) as branch_head_id
    from brokers
    where manager_id is null and leave_date is null
    group by branch_code

),

routed as (

    select
        h.*,
        coalesce(r.broker_id, {{ unassigned_broker_key('h.branch_code') }}) as broker_key,
        r.broker_id,
        case
            when r.broker_id is not null and (b.leave_date is null or b.leave_date > h.business_date)
                then r.broker_id
            else bh.branch_head_id
        end as recipient_broker_id,
        coalesce(r.share_pct, 100) as share_pct
    from holdings as h
    left join relations as r
        on r.client_id = h.client_id and h.business_date between r.start_date and r.open_until
    left join brokers as b on b.broker_id = r.broker_id
    left join branch_heads as bh on bh.branch_code = h.branch_code

),

aggregated as (

    select
        business_date,
        branch_code,
        broker_key,
        max(broker_id) as broker_id,
        recipient_broker_id,
        security_key,
        max(close_price) as close_price,
        max(prev_close_price) as prev_close_price,
        max(price_change_pct) as price_change_pct,
        max(case when is_limit_up then 1 else 0 end) = 1 as is_limit_up,
        max(case when is_limit_down then 1 else 0 end) = 1 as is_limit_down,
        {{ count_bigint('distinct client_id') }} as holder_count,
        {{ sum_bigint('qty') }} as held_qty,
        {{ sum_money('cast(market_value as decimal(38, 2)) * share_pct * 0.01') }} as held_market_value
    from routed
    group by business_date, branch_code, broker_key, recipient_broker_id, security_key

),

final as (

    select
        {{ dbt.concat([
            "cast(a.business_date as " ~ dbt.type_string() ~ ")", "'/'", "a.branch_code", "'/'", "a.broker_key", "'/'", "a.security_key"
        ]) }} as notice_key,
        a.business_date,
        {{ date_key('a.business_date') }} as date_key,
        a.branch_code,
        a.broker_key,
        a.broker_id,
        a.broker_id is null as is_unassigned,
        a.recipient_broker_id,
        a.security_key,
        s.security_code,
        s.security_name,
        s.board_code,
        a.close_price,
        a.prev_close_price,
        a.price_change_pct,
        a.is_limit_up,
        a.is_limit_down,
        case
            when a.is_limit_up then 'limit_up'
            when a.is_limit_down then 'limit_down'
            when a.price_change_pct > 0 then 'big_rise'
            else 'big_fall'
        end as notice_kind,
        case
            when a.is_limit_up then '涨停'
            when a.is_limit_down then '跌停'
            when a.price_change_pct > 0 then '大涨'
            else '大跌'
        end as notice_name_zh,
        a.holder_count,
        a.held_qty,
        a.held_market_value,
        a.held_market_value as value_at_stake
    from aggregated as a
    left join {{ ref('dim_security') }} as s on s.security_key = a.security_key

)

select * from final
