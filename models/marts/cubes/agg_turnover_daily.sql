{{ config(**daily_incremental_config(frontier={'current_securities': true})) }}
{%- set start = build_from() %}
-- depends_on: {{ ref('stg_lake__securities') }} (unless_securities_regrouped)
-- Trading cube 交易日汇总: date x branch x broker x channel x board x industry x side. Turnover, fills,
-- commission, net commission and IPO allotments from the fills; orders, filled and cancelled orders
-- and IPO subscriptions from the orders. Each client's cell is split among the brokers of the
-- client-day (int_broker_attribution_daily) by the same cumulative rounding as the broker cube: money
-- to the cent, counts to whole units, so every measure sums back to agg_branch_daily exactly.
-- side is B / S; order and fill counts of a cell follow the order's / fill's side.
with

securities as (

    select market, security_code, board_code, industry from {{ ref('dim_security') }}

),

fills as (

    select
        f.business_date,
        f.branch_code,
        f.client_id,
        coalesce(f.channel, '-1') as channel_key,
        coalesce(s.board_code, '-1') as board_code,
        coalesce(nullif(s.industry, ''), '-1') as industry,
        f.side,
        f.amount as turnover,
        f.commission,
        f.net_commission,
        cast(1 as bigint) as fill_count,
        cast(case when f.biz_type = '0' then f.qty else 0 end as bigint) as filled_qty,
        cast(case when f.biz_type = '1' then 1 else 0 end as bigint) as ipo_allotment_count,
        cast(case when f.biz_type = '1' then f.amount else 0 end as decimal(18, 2)) as ipo_allotment_amount,
        cast(0 as bigint) as order_count,
        cast(0 as bigint) as filled_order_count,
        cast(0 as bigint) as cancelled_order_count,
        cast(0 as bigint) as order_qty,
        cast(0 as bigint) as ipo_subscription_count
    from {{ ref('int_fills_with_fees') }} as f
    left join securities as s on s.market = f.market and s.security_code = f.security_code
    where {{ since('f.business_date', start) }}

),

orders as (

    select
        o.business_date,
        o.branch_code,
        o.client_id,
        coalesce(o.channel, '-1') as channel_key,
        coalesce(s.board_code, '-1') as board_code,
        coalesce(nullif(s.industry, ''), '-1') as industry,
        o.side,
        cast(0 as decimal(18, 2)) as turnover,
        cast(0 as decimal(18, 2)) as commission,
        cast(0 as decimal(18, 2)) as net_commission,
        cast(0 as bigint) as fill_count,
        cast(0 as bigint) as filled_qty,
        cast(0 as bigint) as ipo_allotment_count,
        cast(0 as decimal(18, 2)) as ipo_allotment_amount,
        cast(case when o.biz_type = '0' then 1 else 0 end as bigint) as order_count,
        cast(case when o.biz_type = '0' and o.filled_qty > 0 then 1 else 0 end as bigint) as filled_order_count,
        cast(case when o.biz_type = '0' and o.status in ('5', '6') then 1 else 0 end as bigint) as cancelled_order_count,
        cast(case when o.biz_type = '0' then o.order_qty else 0 end as bigint) as order_qty,
        cast(case when o.biz_type = '1' then 1 else 0 end as bigint) as ipo_subscription_count
    from {{ ref('stg_lake__orders') }} as o
    left join securities as s on s.market = o.market and s.security_code = o.security_code
    where {{ since('o.business_date', start) }}

),

{% set money = ['turnover', 'commission', 'net_commission', 'ipo_allotment_amount'] %}
{% set counts = ['fill_count', 'filled_qty', 'ipo_allotment_count', 'order_count', 'filled_order_count',
                 'cancelled_order_count', 'order_qty', 'ipo_subscription_count'] %}

client_cells as (

    select
        business_date, branch_code, client_id, channel_key, board_code, industry, side,
        {%- for m in money %}
        {{ sum_money(m) }} as {{ m }},
        {%- endfor %}
        {%- for c in counts %}
        {{ sum_bigint(c) }} as {{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (select * from fills union all select * from orders) as cells
    group by business_date, branch_code, client_id, channel_key, board_code, industry, side

),

allocated as (

    select
        c.business_date,
        c.branch_code,
        a.broker_key as attributed_broker_key,
        c.channel_key,
        c.board_code,
        c.industry,
        c.side,
        c.client_id,
        {%- for m in money %}
        cast(
            {{ round_half_away('c.' ~ m ~ ' * a.cumulative_share_to', 2) }}
            - {{ round_half_away('c.' ~ m ~ ' * a.cumulative_share_from', 2) }}
            as decimal(38, 2)
        ) as {{ m }},
        {%- endfor %}
        {%- for k in counts %}
        cast(
            {{ round_half_away('c.' ~ k ~ ' * a.cumulative_share_to', 0) }}
            - {{ round_half_away('c.' ~ k ~ ' * a.cumulative_share_from', 0) }}
            as bigint
        ) as {{ k }}{{ ',' if not loop.last }}
        {%- endfor %}
    from client_cells as c
    inner join {{ ref('int_broker_attribution_daily') }} as a
        on {{ since('a.business_date', start) }}
        and a.business_date = c.business_date
        and a.branch_code = c.branch_code
        and a.client_id = c.client_id

),

aggregated as (

    select
        business_date, branch_code, attributed_broker_key, channel_key, board_code, industry, side,
        {%- for m in money %}
        {{ sum_money(m) }} as {{ m }},
        {%- endfor %}
        {%- for c in counts %}
        {{ sum_bigint(c) }} as {{ c }},
        {%- endfor %}
        -- clients with a fill in the cell that the broker shares in (not additive across brokers)
        {{ count_bigint('distinct case when fill_count > 0 or turnover <> 0 then client_id end') }} as trading_client_count
    from allocated
    group by business_date, branch_code, attributed_broker_key, channel_key, board_code, industry, side

),

brokers as (select broker_key from {{ ref('dim_broker') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),
channels as (select channel_key from {{ ref('dim_channel') }}),

final as (

    select
        a.business_date,
        {{ date_key('a.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(k.broker_key, '-1') as broker_key,
        coalesce(ch.channel_key, '-1') as channel_key,
        a.branch_code,
        a.attributed_broker_key,
        a.board_code,
        a.industry,
        a.side,
        {%- for m in money %}
        a.{{ m }},
        {%- endfor %}
        {%- for c in counts %}
        a.{{ c }},
        {%- endfor %}
        a.trading_client_count
    from aggregated as a
    left join brokers as k on k.broker_key = a.attributed_broker_key
    left join branches as b on b.branch_key = a.branch_code
    left join channels as ch on ch.channel_key = a.channel_key

)

select * from final
