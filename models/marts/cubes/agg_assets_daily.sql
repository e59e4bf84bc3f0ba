{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Assets cube 资产日汇总: date x branch x broker x tier. Attributed cash, market value, total assets,
-- net cash / asset inflow and daily P&L (int_broker_attribution_daily: the parts add up to the client
-- exactly), clients and effective accounts 有效户. Sums back to agg_branch_daily.
-- client_count / effective_account_count count the clients a broker shares in (not additive across
-- brokers); client_equivalents is additive (the shares).
with

attributions as (

    select * from {{ ref('int_broker_attribution_daily') }}
    where {{ since('business_date', start) }}

),

status as (

    select business_date, branch_code, client_id, tier_code from {{ ref('int_client_daily_status') }}
    where {{ since('business_date', start) }}

),

aggregated as (

    select
        a.business_date,
        a.branch_code,
        a.broker_key as attributed_broker_key,
        coalesce(s.tier_code, '-1') as tier_key,
        {{ count_bigint() }} as client_count,
        {{ sum_bigint("case when a.is_effective_account then 1 else 0 end") }} as effective_account_count,
        cast(sum(a.share) as decimal(38, 10)) as client_equivalents,
        {{ sum_money('a.attributed_cash_balance') }} as cash_balance,
        {{ sum_money('a.attributed_market_value') }} as market_value,
        {{ sum_money('a.attributed_total_assets') }} as total_assets,
        {{ sum_money('a.attributed_net_cash_inflow') }} as net_cash_inflow,
        {{ sum_money('a.attributed_net_asset_inflow') }} as net_asset_inflow,
        {{ sum_money('a.attributed_daily_pnl') }} as daily_pnl
    from attributions as a
    left join status as s
        on s.business_date = a.business_date and s.branch_code = a.branch_code and s.client_id = a.client_id
    group by a.business_date, a.branch_code, a.broker_key, coalesce(s.tier_code, '-1')

),

brokers as (select broker_key from {{ ref('dim_broker') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        a.business_date,
        {{ date_key('a.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(k.broker_key, '-1') as broker_key,
        a.tier_key,
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
        a.daily_pnl
    from aggregated as a
    left join brokers as k on k.broker_key = a.attributed_broker_key
    left join branches as b on b.branch_key = a.branch_code

)

select * from final
