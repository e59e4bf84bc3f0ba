{{ config(**daily_incremental_config('month_start_date')) }}
{#- Incremental: the months from the month of the next day to build are replaced (the current month's
    end moves with every landed day). The daily build extends the month: the clients whose month-end
    day is a new day take that day's positions, the others keep their rows built before, so a day reads
    one day of positions, not the month's. A rebuild from a corrected day reads the month from its
    first day, and so does every build on Spark (it would read the partition it overwrites). -#}
{%- set start = build_from(month_start=true) %}
{%- set next_day = build_from() %}
{%- set requested = var('rebuild_from', none) %}
{%- set extends = start is not none and next_day > start and target.type not in ('spark', 'databricks') %}
{%- if extends and requested %}
    {%- set extends = run_query(
        "select max(business_date) < cast('" ~ (requested | string)[:10] ~ "' as date) from " ~ this
    ).columns[0].values()[0] %}
{%- endif %}
{%- set columns = [
    'month_key', 'month_start_date', 'business_date', 'date_key', 'branch_key', 'client_key', 'security_key',
    'branch_code', 'client_id', 'market', 'security_code', 'qty', 'cost_amount', 'valuation_price',
    'price_source', 'market_value', 'unrealized_pnl', 'unrealized_return', 'is_trapped', 'is_deeply_trapped',
    'is_suspended',
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
    where {{ since('month_start_date', start) }}

),

positions as (

    select * from {{ ref('fct_positions_daily') }}
    where {{ since('business_date', next_day if extends else start) }}

),

final as (

    select
        {{ date_key('m.month_start_date') }} as month_key,
        m.month_start_date,
        {%- for column in columns[2:] %}
        p.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from positions as p
    inner join month_ends as m
        on m.client_id = p.client_id
        and m.last_landed_date = p.business_date
    {%- if extends %}

    union all

    -- the clients whose month-end day was built before: their rows of the month as built
    select
        {%- for column in columns %}
        b.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ this }} as b
    inner join month_ends as m
        on m.client_id = b.client_id
        and m.month_start_date = b.month_start_date
        and m.last_landed_date = b.business_date
    where b.month_start_date = cast('{{ start }}' as date)
        and {{ before('b.business_date', next_day) }}
    {%- endif %}

)

select * from final
order by month_start_date, client_id, market, security_code, branch_code
