{{ config(**daily_incremental_config()) }}
{#- rebuilt from `start`; TA(t-1) is read from the rows built on the previous trading day -#}
{%- set start = build_from() %}
{%- set previous_day = lookback_from(start, trading_days=1) %}
-- One row per client and business date on which the client appears in its branch's package
-- (balance, position, order, fill, cash flow or custody transfer): assets, flows, trading, daily P&L
-- and daily return as defined in docs/contract/metrics.md. fct_client_daily adds the dimension keys.
--
-- daily P&L 当日盈亏 = TA(t) - TA(t-1) - net asset inflow(t), where TA(t-1) is the client's total
-- assets on the previous trading day; it is 0 on the day the account opens and unknown (P&L null) when
-- the client has no row on the previous trading day (its first landed day, or a missing package).
-- daily return = P&L / (TA(t-1) + max(net asset inflow, 0)), null when that is 0.
with

balances as (

    select * from {{ ref('stg_lake__balances') }}
    where {{ since('business_date', start) }}

),

positions as (

    select * from {{ ref('int_positions_valued') }}
    where {{ since('business_date', start) }}

),

cash_flows as (

    select * from {{ ref('stg_lake__cash_flows') }}
    where {{ since('business_date', start) }}

),

transfers as (

    select * from {{ ref('int_custody_transfers_valued') }}
    where {{ since('business_date', start) }}

),

fills as (

    select * from {{ ref('int_fills_with_fees') }}
    where {{ since('business_date', start) }}

),

orders as (

    select * from {{ ref('stg_lake__orders') }}
    where {{ since('business_date', start) }}

),

calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

-- the rows built on the previous trading day (none on a full build)
built_previous as (

    {%- if start is none %}
    select
        cast(null as date) as business_date,
        cast(null as {{ dbt.type_string() }}) as branch_code,
        cast(null as {{ dbt.type_string() }}) as client_id,
        cast(null as decimal(38, 2)) as total_assets
    where 1 = 0
    {%- else %}
    select business_date, branch_code, client_id, total_assets
    from {{ this }}
    where {{ since('business_date', previous_day) }} and {{ before('business_date', start) }}
    {%- endif %}

),

clients as (

    select
        client_id,
        open_date,
        row_number() over (
            partition by client_id order by business_date desc, source_row desc
        ) as recency
    from {{ ref('stg_lake__clients') }}

),

client_days as (
{{ client_days_of(['balances', 'positions', 'cash_flows', 'transfers', 'fills', 'orders']) }}

),

-- the first landed day of the clients of the days built (int_client_first_landed holds every client's,
-- these days included)
first_landed as (

    select client_id, first_landed_date from {{ ref('int_client_first_landed') }}

),

daily_cash as (

    select
        business_date,
        branch_code,
        client_id,
        {{ sum_money('cash_balance') }} as cash_balance,
        {{ count_bigint() }} as balance_rows
    from balances
    group by business_date, branch_code, client_id

),

daily_positions as (

    select
        business_date,
        branch_code,
        client_id,
        {{ sum_money('market_value') }} as market_value,
        {{ sum_money('cost_amount') }} as cost_amount,
        {{ sum_money('case when is_trapped then market_value end') }} as trapped_market_value,
        {{ sum_money('case when is_deeply_trapped then market_value end') }} as deeply_trapped_market_value,
        {{ count_bigint() }} as position_count,
        {{ sum_bigint("case when is_limit_down then 1 else 0 end") }} as limit_down_position_count
    from positions
    group by business_date, branch_code, client_id

),

daily_cash_flows as (

    select
        business_date,
        branch_code,
        client_id,
        {{ sum_money("case when flow_type = '1' then amount end") }} as bank_transfer_in,
        {{ sum_money("case when flow_type = '2' then -amount end") }} as bank_transfer_out,
        {{ sum_money("case when flow_type in ('1', '2') then amount end") }} as net_cash_inflow,
        {{ sum_money("case when flow_type = '3' then amount end") }} as dividend_amount,
        {{ sum_money("case when flow_type = '4' then amount end") }} as interest_amount,
        {{ sum_money("case when flow_type = '5' then amount end") }} as fee_amount
    from cash_flows
    group by business_date, branch_code, client_id

),

daily_transfers as (

    select
        business_date,
        branch_code,
        client_id,
        {{ sum_money("case when direction = 'I' then value_at_close end") }} as custody_in_value,
        {{ sum_money("case when direction = 'O' then value_at_close end") }} as custody_out_value,
        {{ sum_bigint("case when direction = 'O' then 1 else 0 end") }} as custody_out_count
    from transfers
    group by business_date, branch_code, client_id

),

daily_fills as (

    select
        business_date,
        branch_code,
        client_id,
        {{ sum_money('amount') }} as turnover,
        {{ sum_money('buy_amount') }} as buy_amount,
        {{ sum_money('sell_amount') }} as sell_amount,
        {{ sum_money('commission') }} as commission,
        {{ sum_money('stamp_duty') }} as stamp_duty,
        {{ sum_money('transfer_fee') }} as transfer_fee,
        {{ sum_money('trading_costs') }} as trading_costs,
        {{ sum_money('handling_fee') }} as handling_fee,
        {{ sum_money('regulator_fee') }} as regulator_fee,
        {{ sum_money('net_commission') }} as net_commission,
        {{ count_bigint() }} as fill_count,
        {{ sum_money("case when biz_type = '1' then amount end") }} as ipo_allotment_amount
    from fills
    group by business_date, branch_code, client_id

),

daily_orders as (

    select
        business_date,
        branch_code,
        client_id,
        {{ sum_bigint("case when biz_type = '0' then 1 else 0 end") }} as order_count,
        {{ sum_bigint("case when biz_type = '0' and filled_qty > 0 then 1 else 0 end") }} as filled_order_count,
        {{ sum_bigint("case when biz_type = '0' and status in ('5', '6') then 1 else 0 end") }}
            as cancelled_order_count,
        {{ sum_bigint("case when biz_type = '0' then order_qty else 0 end") }} as order_qty,
        {{ sum_bigint("case when biz_type = '0' then filled_qty else 0 end") }} as filled_qty,
        {{ sum_bigint("case when biz_type = '1' then 1 else 0 end") }} as ipo_subscription_count
    from orders
    group by business_date, branch_code, client_id

),

assembled as (

    select
        d.business_date,
        d.branch_code,
        d.client_id,
        c.open_date,
        coalesce(b.balance_rows, 0) > 0 as has_balance,
        coalesce(b.cash_balance, 0) as cash_balance,
        coalesce(p.market_value, 0) as market_value,
        cast(coalesce(b.cash_balance, 0) + coalesce(p.market_value, 0) as decimal(38, 2)) as total_assets,
        coalesce(p.cost_amount, 0) as cost_amount,
        coalesce(p.trapped_market_value, 0) as trapped_market_value,
        coalesce(p.deeply_trapped_market_value, 0) as deeply_trapped_market_value,
        coalesce(p.position_count, 0) as position_count,
        coalesce(p.limit_down_position_count, 0) as limit_down_position_count,
        coalesce(cf.bank_transfer_in, 0) as bank_transfer_in,
        coalesce(cf.bank_transfer_out, 0) as bank_transfer_out,
        coalesce(cf.net_cash_inflow, 0) as net_cash_inflow,
        coalesce(cf.dividend_amount, 0) as dividend_amount,
        coalesce(cf.interest_amount, 0) as interest_amount,
        coalesce(cf.fee_amount, 0) as fee_amount,
        coalesce(t.custody_in_value, 0) as custody_in_value,
        coalesce(t.custody_out_value, 0) as custody_out_value,
        coalesce(t.custody_out_count, 0) as custody_out_count,
        cast(
            coalesce(cf.net_cash_inflow, 0)
            + coalesce(t.custody_in_value, 0)
            - coalesce(t.custody_out_value, 0)
            as decimal(38, 2)
        ) as net_asset_inflow,
        coalesce(f.turnover, 0) as turnover,
        coalesce(f.buy_amount, 0) as buy_amount,
        coalesce(f.sell_amount, 0) as sell_amount,
        coalesce(f.commission, 0) as commission,
        coalesce(f.stamp_duty, 0) as stamp_duty,
        coalesce(f.transfer_fee, 0) as transfer_fee,
        coalesce(f.trading_costs, 0) as trading_costs,
        coalesce(f.handling_fee, 0) as handling_fee,
        coalesce(f.regulator_fee, 0) as regulator_fee,
        coalesce(f.net_commission, 0) as net_commission,
        coalesce(f.fill_count, 0) as fill_count,
        coalesce(f.ipo_allotment_amount, 0) as ipo_allotment_amount,
        coalesce(o.order_count, 0) as order_count,
        coalesce(o.filled_order_count, 0) as filled_order_count,
        coalesce(o.cancelled_order_count, 0) as cancelled_order_count,
        coalesce(o.order_qty, 0) as order_qty,
        coalesce(o.filled_qty, 0) as filled_qty,
        coalesce(o.ipo_subscription_count, 0) as ipo_subscription_count
    from client_days as d
    left join clients as c on c.client_id = d.client_id and c.recency = 1
    left join daily_cash as b
        on b.business_date = d.business_date and b.branch_code = d.branch_code and b.client_id = d.client_id
    left join daily_positions as p
        on p.business_date = d.business_date and p.branch_code = d.branch_code and p.client_id = d.client_id
    left join daily_cash_flows as cf
        on cf.business_date = d.business_date and cf.branch_code = d.branch_code and cf.client_id = d.client_id
    left join daily_transfers as t
        on t.business_date = d.business_date and t.branch_code = d.branch_code and t.client_id = d.client_id
    left join daily_fills as f
        on f.business_date = d.business_date and f.branch_code = d.branch_code and f.client_id = d.client_id
    left join daily_orders as o
        on o.business_date = d.business_date and o.branch_code = d.branch_code and o.client_id = d.client_id

),

-- each row's previous row of the client (the first new row's: its row built on the previous trading day)
previous_rows as (

    select
        business_date,
        branch_code,
        client_id,
        lag(business_date) over (partition by client_id order by business_date) as previous_row_date,
        lag(total_assets) over (partition by client_id order by business_date) as previous_row_total_assets
    from (
        select business_date, branch_code, client_id, total_assets from built_previous
        union all
        select business_date, branch_code, client_id, total_assets from assembled
    ) as rows_in_order

),

with_previous as (

    select
        a.*,
        cal.prev_trading_day,
        pr.previous_row_date,
        pr.previous_row_total_assets,
        fl.first_landed_date
    from assembled as a
    left join calendar as cal on cal.calendar_date = a.business_date
    inner join previous_rows as pr
        on pr.business_date = a.business_date and pr.branch_code = a.branch_code and pr.client_id = a.client_id
    left join first_landed as fl on fl.client_id = a.client_id

),

with_pnl as (

    select
        *,
        case
            when open_date = business_date then cast(0 as decimal(38, 2))
            when previous_row_date = prev_trading_day then previous_row_total_assets
        end as previous_total_assets
    from with_previous

),

final as (

    select
        business_date,
        branch_code,
        client_id,
        open_date,
        open_date = business_date as is_opening_day,
        business_date = first_landed_date as is_first_landed_day,
        first_landed_date,
        has_balance,
        cash_balance,
        market_value,
        total_assets,
        previous_total_assets,
        cost_amount,
        {{ ratio('market_value', 'total_assets') }} as position_ratio,
        trapped_market_value,
        deeply_trapped_market_value,
        {{ ratio('trapped_market_value', 'market_value') }} as trapped_degree,
        coalesce({{ ratio('trapped_market_value', 'market_value') }} >= {{ threshold('trapped_client_degree') }}, false)
            as is_trapped_client,
        position_count,
        limit_down_position_count,
        total_assets >= {{ threshold('effective_account_assets') }} as is_effective_account,
        bank_transfer_in,
        bank_transfer_out,
        net_cash_inflow,
        dividend_amount,
        interest_amount,
        fee_amount,
        custody_in_value,
        custody_out_value,
        custody_out_count,
        net_asset_inflow,
        cast(total_assets - previous_total_assets - net_asset_inflow as decimal(38, 2)) as daily_pnl,
        {{ ratio(
            'total_assets - previous_total_assets - net_asset_inflow',
            'previous_total_assets + case when net_asset_inflow > 0 then net_asset_inflow else 0 end'
        ) }} as daily_return,
        turnover,
        buy_amount,
        sell_amount,
        commission,
        stamp_duty,
        transfer_fee,
        trading_costs,
        handling_fee,
        regulator_fee,
        net_commission,
        fill_count,
        ipo_allotment_amount,
        order_count,
        filled_order_count,
        cancelled_order_count,
        order_qty,
        filled_qty,
        ipo_subscription_count
    from with_pnl
    where {{ since('business_date', start) }}

)

select * from final
