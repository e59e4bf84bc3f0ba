{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Client-day 客户日, one row per client and business date it appears in its branch's package:
-- cash, market value, total assets, net cash / asset inflow, daily P&L and return, trading and the
-- daily flags (effective account, trapped client), and the states that look back over time (active /
-- inactive / reactivated, tier, churned, churn warning, trapped degrees, daily average assets and
-- cumulative log-return building blocks, CSI 300 benchmark). See int_client_daily and
-- int_client_daily_status for the definitions.
with

client_days as (

    select * from {{ ref('int_client_daily') }}
    where {{ since('business_date', start) }}

),

status as (

    select * from {{ ref('int_client_daily_status') }}
    where {{ since('business_date', start) }}

),

clients as (select client_key from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        {{ date_key('d.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        d.*,
        coalesce(s.tier_code, '-1') as tier_key,
        s.month_start_date,
        s.is_active,
        s.is_inactive,
        s.is_reactivated,
        s.previous_fill_date,
        s.days_without_fill,
        s.open_day_count,
        s.open_total_assets,
        s.month_to_date_daily_average_assets,
        s.previous_month_daily_average_assets,
        s.tier_code,
        s.tier_rank,
        s.is_closed,
        s.is_churned_by_assets,
        s.is_churned,
        s.is_newly_churned,
        s.lookback_daily_average_assets,
        s.lookback_net_asset_inflow,
        s.warning_net_asset_outflow,
        s.warning_start_total_assets,
        s.is_churn_warning,
        s.deeply_trapped_degree,
        s.log_return,
        s.cumulative_log_return,
        s.benchmark_close,
        s.benchmark_daily_return,
        s.benchmark_cumulative_log_return
    from client_days as d
    inner join status as s
        on s.business_date = d.business_date
        and s.branch_code = d.branch_code
        and s.client_id = d.client_id
    left join clients as c on c.client_key = d.client_id
    left join branches as b on b.branch_key = d.branch_code

)

select * from final
{%- if start is not none %}
-- the days built, in date and client order: their rows are appended after the days before, so a query
-- of a date range skips the other days' row groups by their zone maps, and one client's rows of a day
-- sit in one of them. A full build leaves its rows as they come: sorting every client-day (every
-- column) took longer than building them; the client statement finds a client's rows through the
-- client_id index of the serving file (warehouse/publish.py).
order by business_date, client_id, branch_code
{%- endif %}
