{{ config(**daily_incremental_config(frontier={'current_securities': true})) }}
{%- set start = build_from() %}
-- depends_on: {{ ref('stg_lake__securities') }} (unless_securities_regrouped)
-- Holdings cube 持仓日汇总: date x branch x board x industry. Market value, cost, unrealized P&L
-- 浮动盈亏, trapped and deeply trapped market value 套牢市值 of the end-of-day positions. Sums back to
-- agg_branch_daily (market value, trapped market value). holder_count counts the clients holding in
-- the cell (not additive across boards / industries).
with

positions as (

    select * from {{ ref('int_positions_valued') }}
    where {{ since('business_date', start) }}

),

securities as (

    select market, security_code, board_code, industry from {{ ref('dim_security') }}

),

aggregated as (

    select
        p.business_date,
        p.branch_code,
        coalesce(s.board_code, '-1') as board_code,
        coalesce(nullif(s.industry, ''), '-1') as industry,
        {{ sum_money('p.market_value') }} as market_value,
        {{ sum_money('p.cost_amount') }} as cost_amount,
        {{ sum_money('p.unrealized_pnl') }} as unrealized_pnl,
        {{ sum_money('case when p.is_trapped then p.market_value end') }} as trapped_market_value,
        {{ sum_money('case when p.is_deeply_trapped then p.market_value end') }} as deeply_trapped_market_value,
        {{ sum_bigint('p.qty') }} as qty,
        {{ count_bigint() }} as position_count,
        {{ count_bigint('distinct p.client_id') }} as holder_count
    from positions as p
    left join securities as s on s.market = p.market and s.security_code = p.security_code
    group by p.business_date, p.branch_code, coalesce(s.board_code, '-1'), coalesce(nullif(s.industry, ''), '-1')

),

branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        a.business_date,
        {{ date_key('a.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        a.branch_code,
        a.board_code,
        a.industry,
        a.market_value,
        a.cost_amount,
        a.unrealized_pnl,
        {{ ratio('a.unrealized_pnl', 'a.cost_amount') }} as unrealized_return,
        a.trapped_market_value,
        a.deeply_trapped_market_value,
        {{ ratio('a.trapped_market_value', 'a.market_value') }} as trapped_degree,
        a.qty,
        a.position_count,
        a.holder_count
    from aggregated as a
    left join branches as b on b.branch_key = a.branch_code

)

select * from final
