{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Branch-day cube 营业部日汇总: assets, flows, P&L, trading and order ratios of every branch on every
-- business date it landed (a landed package without clients still has its row, with zeros).
-- agg_broker_daily sums back to these totals exactly.
with

client_days as (

    select * from {{ ref('int_client_daily') }}
    where {{ since('business_date', start) }}

),

branches as (select branch_key, region_code from {{ ref('dim_branch') }}),

branch_days as (

    select business_date, package_branch as branch_code
    from {{ ref('stg_lake__landed_packages') }}
    where package_branch <> '{{ var("head_office_branch") }}' and {{ since('business_date', start) }}
    union
    select business_date, branch_code from client_days

),

aggregated as (

    select
        bd.business_date,
        bd.branch_code,
        {{ count_bigint('d.client_id') }} as client_count,
        {{ sum_bigint("case when is_effective_account then 1 else 0 end") }} as effective_account_count,
        {{ sum_bigint("case when is_opening_day then 1 else 0 end") }} as new_client_count,
        {{ sum_bigint("case when fill_count > 0 then 1 else 0 end") }} as trading_client_count,
        {{ sum_bigint("case when is_trapped_client then 1 else 0 end") }} as trapped_client_count,
        {{ sum_money('cash_balance') }} as cash_balance,
        {{ sum_money('market_value') }} as market_value,
        {{ sum_money('total_assets') }} as total_assets,
        {{ sum_money('trapped_market_value') }} as trapped_market_value,
        {{ sum_money('bank_transfer_in') }} as bank_transfer_in,
        {{ sum_money('bank_transfer_out') }} as bank_transfer_out,
        {{ sum_money('net_cash_inflow') }} as net_cash_inflow,
        {{ sum_money('custody_in_value') }} as custody_in_value,
        {{ sum_money('custody_out_value') }} as custody_out_value,
        {{ sum_money('net_asset_inflow') }} as net_asset_inflow,
        {{ sum_money('dividend_amount') }} as dividend_amount,
        {{ sum_money('interest_amount') }} as interest_amount,
        {{ sum_money('fee_amount') }} as fee_amount,
        -- P&L of the clients whose P&L is known that day
        {{ sum_money('d.daily_pnl') }} as daily_pnl,
        {{ sum_money('turnover') }} as turnover,
        {{ sum_money('buy_amount') }} as buy_amount,
        {{ sum_money('sell_amount') }} as sell_amount,
        {{ sum_money('commission') }} as commission,
        {{ sum_money('stamp_duty') }} as stamp_duty,
        {{ sum_money('transfer_fee') }} as transfer_fee,
        {{ sum_money('trading_costs') }} as trading_costs,
        {{ sum_money('handling_fee') }} as handling_fee,
        {{ sum_money('regulator_fee') }} as regulator_fee,
        {{ sum_money('net_commission') }} as net_commission,
        {{ sum_bigint("fill_count") }} as fill_count,
        {{ sum_bigint("order_count") }} as order_count,
        {{ sum_bigint("filled_order_count") }} as filled_order_count,
        {{ sum_bigint("cancelled_order_count") }} as cancelled_order_count,
        {{ sum_bigint("order_qty") }} as order_qty,
        {{ sum_bigint("filled_qty") }} as filled_qty,
        {{ sum_bigint("ipo_subscription_count") }} as ipo_subscription_count,
        {{ sum_money('ipo_allotment_amount') }} as ipo_allotment_amount
    from branch_days as bd
    left join client_days as d
        on d.business_date = bd.business_date and d.branch_code = bd.branch_code
    group by bd.business_date, bd.branch_code

),

final as (

    select
        {{ date_key('a.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(b.region_code, '-1') as region_code,
        a.*,
        {{ ratio('a.market_value', 'a.total_assets') }} as position_ratio,
        {{ ratio('a.net_commission', 'a.turnover') }} as net_commission_rate,
        {{ ratio('a.filled_order_count', 'a.order_count') }} as fill_to_order_ratio,
        {{ ratio('a.filled_qty', 'a.order_qty') }} as fill_qty_ratio,
        {{ ratio('a.cancelled_order_count', 'a.order_count') }} as cancel_ratio
    from aggregated as a
    left join branches as b on b.branch_key = a.branch_code

)

select * from final
