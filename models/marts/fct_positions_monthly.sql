{{ config(**daily_incremental_config('month_start_date', frontier={'month_start': true})) }}
{#- Incremental: the months from the month of the next day to build are rebuilt whole (the current
    month's end moves with every landed day). -#}
{%- set start = build_from() %}
-- Month-end positions 月末持仓, one row per client, security and calendar month: the client's positions
-- on its last landed day of the month (fct_client_monthly.last_landed_date; month to date for the current
-- month), as the holdings part of a monthly statement 对帐单 lists them. A client who sold everything
-- or closed the account before the month's end has no row for that month.
-- Rows are written in client order within a month, so that one client's statement reads a few row
-- groups per month however many clients the brokerage has.
with

month_ends as (

    select client_id, month_start_date, last_landed_date
    from {{ ref('fct_client_monthly') }}
    where {{ since('month_start_date', start) }}

),

positions as (

    select * from {{ ref('fct_positions_daily') }}
    where {{ since('business_date', start) }}

),

final as (

    select
        {{ date_key('m.month_start_date') }} as month_key,
        m.month_start_date,
        p.business_date,
        p.date_key,
        p.branch_key,
        p.client_key,
        p.security_key,
        p.branch_code,
        p.client_id,
        p.market,
        p.security_code,
        p.qty,
        p.cost_amount,
        p.valuation_price,
        p.price_source,
        p.market_value,
        p.unrealized_pnl,
        p.unrealized_return,
        p.is_trapped,
        p.is_deeply_trapped,
        p.is_suspended
    from positions as p
    inner join month_ends as m
        on m.client_id = p.client_id
        and m.last_landed_date = p.business_date

)

select * from final
order by month_start_date, client_id, market, security_code, branch_code
