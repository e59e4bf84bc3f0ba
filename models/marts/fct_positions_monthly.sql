{{ config(**daily_incremental_config('month_start_date', staged=true)) }}
{#- Incremental: the months from the month of the next day to build are replaced (the current month's
    end moves with every landed day). A daily build extends the month: the new days' positions of the
    clients whose last landed day is one of them, and the rows built before of the others, so a day
    reads one day of positions, not the month's. -#}
{%- set start = build_from() %}
{%- set month = none if start is none else start[:8] ~ '01' %}
{%- set extends = extends_month(start, 'business_date') %}
{%- set read_start = start if extends else month %}
{%- set columns = [
    'business_date', 'date_key', 'branch_key', 'client_key', 'security_key', 'branch_code', 'client_id',
    'market', 'security_code', 'qty', 'cost_amount', 'valuation_price', 'price_source', 'market_value',
    'unrealized_pnl', 'unrealized_return', 'is_trapped', 'is_deeply_trapped', 'is_suspended',
] %}
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
    where {{ since('month_start_date', month) }}

),

positions as (

    select {{ columns | join(', ') }} from {{ ref('fct_positions_daily') }}
    where {{ since('business_date', read_start) }}
    {%- if extends %}
    union all
    select {{ columns | join(', ') }} from {{ this }}
    where month_start_date = cast('{{ month }}' as date)
    {%- endif %}

),

final as (

    select
        {{ date_key('m.month_start_date') }} as month_key,
        m.month_start_date,
        {%- for column in columns %}
        p.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from positions as p
    inner join month_ends as m
        on m.client_id = p.client_id
        and m.last_landed_date = p.business_date

)

select * from final
order by month_start_date, client_id, market, security_code, branch_code
