{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Broker-day cube 经纪人日汇总: attributed assets, flows, P&L and commission per broker (including
-- the `unassigned 无归属` broker of each branch) and per branch of the clients, from
-- int_broker_attribution_daily. For every branch and day the money columns add up exactly to
-- agg_branch_daily. client_count counts the clients a broker shares in (not additive across brokers).
with

attributions as (

    select * from {{ ref('int_broker_attribution_daily') }}
    where {{ since('business_date', start) }}

),

brokers as (select broker_key from {{ ref('dim_broker') }}),
branches as (select branch_key, region_code from {{ ref('dim_branch') }}),

aggregated as (

    select
        business_date,
        branch_code,
        broker_key as attributed_broker_key,
        {{ count_bigint() }} as client_count,
        cast(sum(case when is_effective_account then 1 else 0 end) as bigint) as effective_account_count,
        cast(sum(share) as decimal(38, 10)) as client_equivalents,
        {{ sum_money('attributed_cash_balance') }} as cash_balance,
        {{ sum_money('attributed_market_value') }} as market_value,
        {{ sum_money('attributed_total_assets') }} as total_assets,
        {{ sum_money('attributed_net_cash_inflow') }} as net_cash_inflow,
        {{ sum_money('attributed_net_asset_inflow') }} as net_asset_inflow,
        {{ sum_money('attributed_daily_pnl') }} as daily_pnl,
        {{ sum_money('attributed_turnover') }} as turnover,
        {{ sum_money('attributed_commission') }} as commission,
        {{ sum_money('attributed_trading_costs') }} as trading_costs,
        {{ sum_money('attributed_net_commission') }} as net_commission
    from attributions
    group by business_date, branch_code, broker_key

),

final as (

    select
        a.business_date,
        {{ date_key('a.business_date') }} as date_key,
        coalesce(k.broker_key, '-1') as broker_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(b.region_code, '-1') as region_code,
        a.branch_code,
        a.attributed_broker_key,
        a.client_count,
        a.effective_account_count,
        a.client_equivalents,
        a.cash_balance,
        a.market_value,
        a.total_assets,
        a.net_cash_inflow,
        a.net_asset_inflow,
        a.daily_pnl,
        a.turnover,
        a.commission,
        a.trading_costs,
        a.net_commission,
        {{ ratio('a.net_commission', 'a.turnover') }} as net_commission_rate
    from aggregated as a
    left join brokers as k on k.broker_key = a.attributed_broker_key
    left join branches as b on b.branch_key = a.branch_code

)

select * from final
