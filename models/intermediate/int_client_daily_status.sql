{{ config(**daily_incremental_config()) }}
-- Client-day states of docs/contract/metrics.md that look back over time, one row per row of
-- int_client_daily (fct_client_daily joins them in):
--   active 活跃            a fill that day;
--   inactive 不活跃        open and no fill in the last 90 calendar days (seed inactive_days): days since
--                          the last landed fill, or since the first landed day / open date when none
--                          landed (history before the first landed day is unknown, so it counts as 0);
--   reactivated 沉睡唤醒    a fill after >= 90 days without one (same count);
--   daily average assets   open_day_count (1 when the account has a balance row, i.e. is open) and
--     日均资产 blocks       open_total_assets (TA on those days): over any period
--                          daily average assets = sum(open_total_assets) / sum(open_day_count);
--                          month_to_date_daily_average_assets: over the month's landed open days up to
--                          and including the day (on the month's last landed day: the month's);
--   tier 客户分级           band (seed client_tiers) of the daily average assets of the previous calendar
--                          month's landed open days; null when that month has none;
--   churned 流失客户        closed (close_date <= the day, or status closed), or by assets: TA < 20% of the
--                          daily average assets over the preceding 90 calendar days (d-90 .. d-1), with
--                          the net asset inflow of the 90 calendar days ending that day (d-89 .. d, so
--                          the outflow that made the drop counts) negative and at least 80% of the drop
--                          (average - TA) (seeds churn_assets_ratio, churn_outflow_share,
--                          churn_lookback_days);
--   churn warning 流失预警  net asset outflow of the last 5 trading days (t-4 .. t) >= 50% of TA at the
--                          end of t-5 and >= 50,000 (seeds); TA(t-5) is 0 when the account opened after
--                          t-5 and unknown (no warning) when the client has no row on t-5;
--   trapped 套牢            trapped / deeply trapped degree = MV of positions with unrealized return
--                          <= -10% / <= -30% over MV;
--   returns                log_return = ln(1 + daily return) (0 when unknown) and its running sum per
--                          client: any period's time-weighted return is
--                          exp(cumulative(end) - cumulative(day before start)) - 1; the CSI 300
--                          (benchmark of the `indices` seed) has the same blocks for relative return.
--
-- How the look-backs stay proportional to the days built (not to the history): every row carries its
-- client's running totals (open TA, open days, net asset inflow, cumulative log-return, all exact
-- DECIMALs), the last fill and the first landed day, summed over the client's days
-- (a client with rows in two branches on a day has the same values in both). A window sum is then the
-- difference of two running totals: the day's, and the one "as of" the day before the window, i.e. on
-- the client's last row on or before that date. The rows built before, from which a build starts, are
-- read on the few days these look-ups land on (found when the model compiles: the last built day on or
-- before each boundary); a client with no row on that day (a missing package, an account closed and
-- reopened) is looked up in its own earlier rows. A build of several days (a full build, a catch-up,
-- a rebuild from a corrected day) computes the same windows as RANGE frames over each client's days
-- instead (a sort scales better than a look-up for every row of many days); the daily build of one
-- day looks them up. tests/warehouse/test_incremental.py checks that both give the same rows.
{#- the day counts of the look-backs (a dict: a `set` inside the loop would not outlive it) -#}
{%- set days = {'lookback': 90, 'warning': 5} -%}
{%- if execute -%}
    {%- set seeded = run_query(
        "select threshold_name, cast(threshold_value as integer) from " ~ ref('thresholds')
        ~ " where threshold_name in ('churn_lookback_days', 'churn_warning_trading_days')"
    ) -%}
    {%- for row in seeded.rows -%}
        {%- do days.update({'lookback' if row[0] == 'churn_lookback_days' else 'warning': row[1]}) -%}
    {%- endfor -%}
{%- endif %}
{#- the day each look-back's running total is taken "as of" (the day before its window), for a day `DAY` -#}
{%- set lookback_boundary = "cast(" ~ dbt.dateadd('day', -(days['lookback'] + 1), 'DAY') ~ " as date)" -%}
{%- set inflow_boundary = "cast(" ~ dbt.dateadd('day', -days['lookback'], 'DAY') ~ " as date)" -%}
{%- set month_boundary = "cast(" ~ dbt.dateadd('day', -1, dbt.date_trunc('month', 'DAY')) ~ " as date)" -%}
{%- set previous_month_boundary = "cast(" ~ dbt.dateadd('day', -1, dbt.dateadd('month', -1, dbt.date_trunc('month', 'DAY'))) ~ " as date)" -%}
{#- the values carried on every row, the same for all rows of a client and day -#}
{%- set carried = {
    'first_landed_date': 'date',
    'last_fill_date': 'date',
    'running_open_total_assets': 'decimal(38, 2)',
    'running_open_day_count': 'bigint',
    'running_net_asset_inflow': 'decimal(38, 2)',
    'client_day_total_assets': 'decimal(38, 2)',
    'cumulative_log_return_sum': 'decimal(38, 18)',
} -%}
{%- set start = build_from() %}
{#- the built days the look-ups of the days to build land on (none on a full build): the last built day
    on or before each look-up's boundary, among the built days from a month before the earliest boundary
    (a boundary with no built day in that month is looked up in each client's own earlier rows, as_of) -#}
{%- set history_dates = [] -%}
{%- if execute and start is not none -%}
    {%- set built_from = lookback_from(start, days=days['lookback'] + 1 + 31, months=2) -%}
    {%- set found = run_query(
        "with calendar as (select calendar_date, trading_day_number from " ~ ref('int_trading_calendar')
        ~ " where is_trading_day), new_days as (select distinct c.calendar_date as day, c.trading_day_number"
        ~ " from " ~ ref('int_client_daily') ~ " as d inner join calendar as c on c.calendar_date = d.business_date"
        ~ " where " ~ since('d.business_date', start) ~ "), boundaries as ("
        ~ " select " ~ lookback_boundary | replace('DAY', 'day') ~ " as boundary_date from new_days"
        ~ " union all select " ~ inflow_boundary | replace('DAY', 'day') ~ " from new_days"
        ~ " union all select " ~ month_boundary | replace('DAY', 'day') ~ " from new_days"
        ~ " union all select " ~ previous_month_boundary | replace('DAY', 'day') ~ " from new_days"
        ~ " union all select w.calendar_date from new_days as n inner join calendar as w"
        ~ " on w.trading_day_number = n.trading_day_number - " ~ days['warning']
        ~ " union all select cast(" ~ dbt.dateadd('day', -1, "cast('" ~ start ~ "' as date)") ~ " as date)"
        ~ "), built_days as (select distinct business_date from " ~ this
        ~ " where " ~ since('business_date', built_from) ~ " and " ~ before('business_date', start) ~ ")"
        ~ " select distinct landed_date from (select max(b.business_date) as landed_date from boundaries as x"
        ~ " inner join built_days as b on b.business_date <= x.boundary_date group by x.boundary_date) as l"
        ~ " order by landed_date"
    ) -%}
    {%- for row in found.rows -%}{%- do history_dates.append((row[0] | string)[:10]) -%}{%- endfor -%}
{%- endif %}
{#- A build of several days (a catch-up, a rebuild from a corrected day) computes the look-backs as
    frames too, reading the client-days from the earliest day its windows reach: look-ups for every
    row of many days cost more memory than a sort. So does every build on Spark, which inlines a CTE
    wherever it is referenced (the look-ups' chain would be evaluated once per reference). -#}
{%- set framed = start is none -%}
{%- set read_start = start -%}
{%- if execute and start is not none -%}
    {%- set new_days = run_query(
        "select count(distinct business_date) from " ~ ref('int_client_daily') ~ " where " ~ since('business_date', start)
    ).columns[0].values()[0] -%}
    {%- if new_days > 1 or target.type in ('spark', 'databricks') -%}
        {%- set framed = true -%}
        {%- set read_start = lookback_from(
            start, days=days['lookback'] + 1, trading_days=days['warning'] + 1, months=1
        ) -%}
    {%- endif -%}
{%- endif %}
with

client_days as (

    select * from {{ ref('int_client_daily') }}
    where {{ since('business_date', read_start) }}

),

calendar as (

    select calendar_date, trading_day_number from {{ ref('int_trading_calendar') }}
    where is_trading_day

),

-- the client-day values, summed over the client's branches
client_day_values as (

    select
        client_id,
        business_date,
        min(first_landed_date) as first_landed_date,
        max(case when fill_count > 0 then business_date end) as fill_date,
        {{ sum_money('case when has_balance then total_assets end') }} as open_total_assets,
        {{ sum_bigint('case when has_balance then 1 else 0 end') }} as open_day_count,
        {{ sum_money('net_asset_inflow') }} as net_asset_inflow,
        {{ sum_money('total_assets') }} as client_day_total_assets,
        -- summed as DECIMAL (exact, so a running sum does not depend on where a build started)
        sum(coalesce(cast({{ log_return('daily_return') }} as decimal(38, 18)), 0)) as log_return_sum
    from client_days
    group by client_id, business_date

),

-- the rows built before, on the days the look-ups land on (a scan per day: DuckDB prunes a table's
-- row groups for an equality on the date, not for a list of dates, which read the whole history)
built as (

    {%- if history_dates %}
    {%- for history_date in history_dates %}
    {{ built_client_days(this, carried, "business_date = cast('" ~ history_date ~ "' as date)") }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as client_id,
        cast(null as date) as business_date,
        {%- for column, data_type in carried.items() %}
        cast(null as {{ data_type }}) as {{ column }},
        {%- endfor %}
        cast(null as boolean) as is_churned
    where 1 = 0
    {%- endif %}

),

-- the clients landed before the build starts: their last built row is where their running values start
state_requests as (

    select
        client_id,
        {%- if start is none %}
        cast(null as date) as boundary_date
        {%- else %}
        cast({{ dbt.dateadd('day', -1, "cast('" ~ start ~ "' as date)") }} as date) as boundary_date
        {%- endif %}
    from client_day_values
    group by client_id
    having {{ before('min(first_landed_date)', start) }}

),

{{ as_of('state', 'state_requests', 'built', carried,
    built_client_days(this, carried, before('business_date', start) ~ ' and client_id in (select client_id from state_gaps)')
    if start is not none else 'select * from built') }},

running as (

    select
        v.client_id,
        v.business_date,
        cal.trading_day_number,
        cast({{ dbt.date_trunc('month', 'v.business_date') }} as date) as month_start_date,
        v.first_landed_date,
        v.open_total_assets,
        v.open_day_count,
        v.net_asset_inflow,
        v.client_day_total_assets,
        {%- if framed %}
        -- the last landed fill before this day
        coalesce(
            max(v.fill_date) over (
                partition by v.client_id order by v.business_date rows between unbounded preceding and 1 preceding
            ),
            s.last_fill_date
        ) as previous_fill_date,
        coalesce(
            max(v.fill_date) over (
                partition by v.client_id order by v.business_date rows between unbounded preceding and current row
            ),
            s.last_fill_date
        ) as last_fill_date,
        {%- else %}
        -- one day built: each client's one row of client_day_values adds to its last built row (no
        -- window over the clients' rows)
        s.last_fill_date as previous_fill_date,
        coalesce(v.fill_date, s.last_fill_date) as last_fill_date,
        {%- endif %}
        {%- for column, value in [
            ('running_open_total_assets', 'open_total_assets'),
            ('running_open_day_count', 'open_day_count'),
            ('running_net_asset_inflow', 'net_asset_inflow'),
            ('cumulative_log_return_sum', 'log_return_sum'),
        ] %}
        {%- if framed %}
        cast(coalesce(s.{{ column }}, 0) + sum(case when {{ since('v.business_date', start) }} then v.{{ value }} else 0 end) over (
            partition by v.client_id order by v.business_date rows between unbounded preceding and current row
        ) as {{ carried[column] }}) as {{ column }},
        {%- else %}
        cast(coalesce(s.{{ column }}, 0) + v.{{ value }} as {{ carried[column] }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        s.is_churned as last_built_is_churned
    from client_day_values as v
    inner join calendar as cal on cal.calendar_date = v.business_date
    left join state as s on s.client_id = v.client_id

),

benchmark as (

    select
        q.business_date,
        q.close_price as benchmark_close,
        {{ ratio('q.close_price - q.prev_close_price', 'q.prev_close_price') }} as benchmark_daily_return
    from {{ ref('stg_lake__index_quotes') }} as q
    inner join {{ ref('indices') }} as i on i.index_code = q.index_code and i.is_benchmark

),

benchmark_cumulative as (

    select
        business_date,
        benchmark_close,
        benchmark_daily_return,
        sum(coalesce(cast({{ log_return('benchmark_daily_return') }} as decimal(38, 18)), 0)) over (
            order by business_date rows between unbounded preceding and current row
        ) as benchmark_cumulative_log_return
    from benchmark

),

client_records as (

    select
        client_id,
        close_date,
        status,
        row_number() over (
            partition by client_id order by business_date desc, source_row desc
        ) as recency
    from {{ ref('stg_lake__clients') }}

),

closed_statuses as (

    select client_status from {{ ref('client_statuses') }} where is_closed

),

tiers as (

    select * from {{ ref('client_tiers') }}

),

{%- if framed %}

-- a build of many days: the look-backs as frames over each client's days, the previous month from
-- its sums (the client-days read before `start` are only looked back on)
framed as (

    select
        r.*,
        sum(r.open_total_assets) over (
            partition by r.client_id order by r.day_number range between {{ days['lookback'] }} preceding and 1 preceding
        ) as lookback_open_total_assets,
        sum(r.open_day_count) over (
            partition by r.client_id order by r.day_number range between {{ days['lookback'] }} preceding and 1 preceding
        ) as lookback_open_day_count,
        sum(r.net_asset_inflow) over (
            partition by r.client_id order by r.day_number
            range between {{ days['lookback'] - 1 }} preceding and current row
        ) as lookback_net_asset_inflow_sum,
        sum(r.net_asset_inflow) over (
            partition by r.client_id order by r.trading_day_number
            range between {{ days['warning'] - 1 }} preceding and current row
        ) as warning_net_asset_inflow_sum,
        sum(r.open_total_assets) over (
            partition by r.client_id, r.month_start_date order by r.business_date
            rows between unbounded preceding and current row
        ) as month_to_date_assets_sum,
        sum(r.open_day_count) over (
            partition by r.client_id, r.month_start_date order by r.business_date
            rows between unbounded preceding and current row
        ) as month_to_date_days_sum
    from (
        select
            *,
            {{ dbt.datediff("cast('2000-01-01' as date)", 'business_date', 'day') }} as day_number
        from running
    ) as r

),

monthly_sums as (

    select
        client_id,
        month_start_date,
        {{ sum_money('open_total_assets') }} as open_total_assets,
        {{ sum_bigint('open_day_count') }} as open_day_count
    from running
    group by client_id, month_start_date

),

client_looks as (

    select
        f.*,
        w.calendar_date as warning_boundary_date,
        {{ average('f.lookback_open_total_assets', 'f.lookback_open_day_count') }} as lookback_daily_average_assets,
        cast(f.lookback_net_asset_inflow_sum as decimal(38, 2)) as lookback_net_asset_inflow,
        cast(-f.warning_net_asset_inflow_sum as decimal(38, 2)) as warning_net_asset_outflow,
        warning_day.client_day_total_assets as warning_boundary_total_assets,
        cast(f.month_to_date_assets_sum as decimal(38, 2)) as month_to_date_open_total_assets,
        cast(f.month_to_date_days_sum as bigint) as month_to_date_open_day_count,
        previous_month.open_total_assets as previous_month_open_total_assets,
        previous_month.open_day_count as previous_month_open_day_count
    from framed as f
    left join calendar as w on w.trading_day_number = f.trading_day_number - {{ days['warning'] }}
    left join running as warning_day
        on warning_day.client_id = f.client_id and warning_day.business_date = w.calendar_date
    left join monthly_sums as previous_month
        on previous_month.client_id = f.client_id
        and previous_month.month_start_date = {{ dbt.dateadd('month', -1, 'f.month_start_date') }}

),

{%- else %}

running_days as (

    select
        client_id,
        business_date,
        {%- for column in carried %}
        {{ column }},
        {%- endfor %}
        cast(null as boolean) as is_churned
    from running

),

-- every client-day that can be looked up: the built days needed, and the days being built
timeline as (

    select * from built
    union all
    select * from running_days

),

-- each day's look-up boundaries, for clients landed by then
boundaries as (

    select
        r.client_id,
        r.business_date,
        r.first_landed_date,
        {{ lookback_boundary | replace('DAY', 'r.business_date') }} as lookback_boundary_date,
        {{ inflow_boundary | replace('DAY', 'r.business_date') }} as inflow_boundary_date,
        {{ month_boundary | replace('DAY', 'r.business_date') }} as month_boundary_date,
        {{ previous_month_boundary | replace('DAY', 'r.business_date') }} as previous_month_boundary_date,
        w.calendar_date as warning_boundary_date
    from running as r
    left join calendar as w on w.trading_day_number = r.trading_day_number - {{ days['warning'] }}

),

boundary_requests as (

    select distinct client_id, boundary_date
    from (
        {%- for kind in ['lookback', 'inflow', 'month', 'previous_month', 'warning'] %}
        select client_id, {{ kind }}_boundary_date as boundary_date, first_landed_date
        from boundaries
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as requested
    where first_landed_date <= boundary_date

),

{{ as_of('looked_up', 'boundary_requests', 'timeline', carried,
    built_client_days(this, carried, before('business_date', start) ~ ' and client_id in (select client_id from looked_up_gaps)')
    ~ ' union all select * from running_days where client_id in (select client_id from looked_up_gaps)') }},

-- the client-day look-backs: a window's sum is the day's running total less the one before the window
client_looks as (

    select
        r.*,
        b.warning_boundary_date,
        {{ average(
            'r.running_open_total_assets - r.open_total_assets - coalesce(lookback.running_open_total_assets, 0)',
            'r.running_open_day_count - r.open_day_count - coalesce(lookback.running_open_day_count, 0)'
        ) }} as lookback_daily_average_assets,
        cast(r.running_net_asset_inflow - coalesce(inflow.running_net_asset_inflow, 0) as decimal(38, 2))
            as lookback_net_asset_inflow,
        cast(coalesce(warning.running_net_asset_inflow, 0) - r.running_net_asset_inflow as decimal(38, 2))
            as warning_net_asset_outflow,
        case when warning.as_of_date = b.warning_boundary_date then warning.client_day_total_assets end
            as warning_boundary_total_assets,
        cast(r.running_open_total_assets - coalesce(month_end.running_open_total_assets, 0) as decimal(38, 2))
            as month_to_date_open_total_assets,
        cast(r.running_open_day_count - coalesce(month_end.running_open_day_count, 0) as bigint)
            as month_to_date_open_day_count,
        -- the previous calendar month's open TA and days, when it has a landed day
        case
            when month_end.as_of_date >= {{ dbt.dateadd('month', -1, 'r.month_start_date') }} then cast(
                month_end.running_open_total_assets - coalesce(previous_month_end.running_open_total_assets, 0)
                as decimal(38, 2))
        end as previous_month_open_total_assets,
        case
            when month_end.as_of_date >= {{ dbt.dateadd('month', -1, 'r.month_start_date') }} then cast(
                month_end.running_open_day_count - coalesce(previous_month_end.running_open_day_count, 0)
                as bigint)
        end as previous_month_open_day_count
    from running as r
    inner join boundaries as b on b.client_id = r.client_id and b.business_date = r.business_date
    left join looked_up as lookback
        on lookback.client_id = r.client_id and lookback.boundary_date = b.lookback_boundary_date
    left join looked_up as inflow
        on inflow.client_id = r.client_id and inflow.boundary_date = b.inflow_boundary_date
    left join looked_up as warning
        on warning.client_id = r.client_id and warning.boundary_date = b.warning_boundary_date
    left join looked_up as month_end
        on month_end.client_id = r.client_id and month_end.boundary_date = b.month_boundary_date
    left join looked_up as previous_month_end
        on previous_month_end.client_id = r.client_id
        and previous_month_end.boundary_date = b.previous_month_boundary_date

),

{%- endif %}

flagged as (

    select
        d.business_date,
        d.branch_code,
        d.client_id,
        c.month_start_date,
        d.fill_count > 0 as is_active,
        cast(case when d.has_balance then 1 else 0 end as bigint) as open_day_count,
        cast(case when d.has_balance then d.total_assets else 0 end as decimal(38, 2)) as open_total_assets,
        c.previous_fill_date,
        -- calendar days without a fill before this day, counted from the last landed fill, else from
        -- the later of the open date and the first landed day
        {{ dbt.datediff(
            'coalesce(c.previous_fill_date, case when d.open_date > c.first_landed_date'
            ~ ' then d.open_date else c.first_landed_date end)',
            'd.business_date', 'day') }} as days_without_fill,
        closed.client_id is not null as is_closed,
        c.lookback_daily_average_assets,
        {{ average('c.month_to_date_open_total_assets', 'c.month_to_date_open_day_count') }}
            as month_to_date_daily_average_assets,
        c.previous_month_open_total_assets,
        c.previous_month_open_day_count,
        c.lookback_net_asset_inflow,
        c.warning_net_asset_outflow,
        case
            when c.warning_boundary_total_assets is not null then c.warning_boundary_total_assets
            when d.open_date > c.warning_boundary_date then cast(0 as decimal(38, 2))
        end as warning_start_total_assets,
        {{ ratio('d.trapped_market_value', 'd.market_value') }} as trapped_degree,
        {{ ratio('d.deeply_trapped_market_value', 'd.market_value') }} as deeply_trapped_degree,
        cast({{ log_return('d.daily_return') }} as double) as log_return,
        d.total_assets,
        c.last_built_is_churned,
        {%- for column in carried %}
        c.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from client_days as d
    inner join client_looks as c on c.client_id = d.client_id and c.business_date = d.business_date
    left join client_records as closed
        on closed.client_id = d.client_id
        and closed.recency = 1
        and (
            closed.close_date <= d.business_date
            or (closed.close_date is null and closed.status in (select client_status from closed_statuses))
        )
    where {{ since('d.business_date', start) }}

),

final as (

    select
        f.business_date,
        f.branch_code,
        f.client_id,
        f.month_start_date,
        f.is_active,
        coalesce(not f.is_closed and not f.is_active and f.days_without_fill >= {{ threshold('inactive_days') }}, false)
            as is_inactive,
        coalesce(f.is_active and f.days_without_fill >= {{ threshold('inactive_days') }}, false) as is_reactivated,
        f.previous_fill_date,
        cast(f.days_without_fill as integer) as days_without_fill,
        f.open_day_count,
        f.open_total_assets,
        f.month_to_date_daily_average_assets,
        {{ average('f.previous_month_open_total_assets', 'f.previous_month_open_day_count') }}
            as previous_month_daily_average_assets,
        t.tier_code,
        t.tier_rank,
        f.is_closed,
        f.lookback_daily_average_assets,
        f.lookback_net_asset_inflow,
        coalesce(
            f.total_assets < {{ threshold('churn_assets_ratio') }} * f.lookback_daily_average_assets
            and f.lookback_net_asset_inflow < 0
            and -f.lookback_net_asset_inflow
                >= {{ threshold('churn_outflow_share') }} * (f.lookback_daily_average_assets - f.total_assets),
            false
        ) as is_churned_by_assets,
        f.warning_net_asset_outflow,
        f.warning_start_total_assets,
        coalesce(
            f.warning_net_asset_outflow >= {{ threshold('churn_warning_outflow_ratio') }} * f.warning_start_total_assets
            and f.warning_net_asset_outflow >= {{ threshold('churn_warning_min_outflow') }},
            false
        ) as is_churn_warning,
        f.trapped_degree,
        f.deeply_trapped_degree,
        f.log_return,
        cast(f.cumulative_log_return_sum as double) as cumulative_log_return,
        b.benchmark_close,
        b.benchmark_daily_return,
        cast(b.benchmark_cumulative_log_return as double) as benchmark_cumulative_log_return,
        f.last_built_is_churned,
        {%- for column in carried %}
        f.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from flagged as f
    left join tiers as t
        on f.previous_month_open_day_count > 0
        and f.previous_month_open_total_assets >= t.min_daily_avg_assets * f.previous_month_open_day_count
        and (
            t.max_daily_avg_assets is null
            or f.previous_month_open_total_assets < t.max_daily_avg_assets * f.previous_month_open_day_count
        )
    left join benchmark_cumulative as b on b.business_date = f.business_date

),

churn as (

    select
        *,
        is_closed or is_churned_by_assets as is_churned
    from final

)

select
    {%- for column in [
        'business_date', 'branch_code', 'client_id', 'month_start_date', 'is_active', 'is_inactive',
        'is_reactivated', 'previous_fill_date', 'days_without_fill', 'open_day_count', 'open_total_assets',
        'month_to_date_daily_average_assets', 'previous_month_daily_average_assets', 'tier_code', 'tier_rank',
        'is_closed', 'lookback_daily_average_assets', 'lookback_net_asset_inflow', 'is_churned_by_assets',
        'warning_net_asset_outflow', 'warning_start_total_assets', 'is_churn_warning', 'trapped_degree',
        'deeply_trapped_degree', 'log_return', 'cumulative_log_return', 'benchmark_close',
        'benchmark_daily_return', 'benchmark_cumulative_log_return', 'is_churned',
    ] + (carried | list) %}
    {{ column }},
    {%- endfor %}
    -- the day a churn episode starts (the client's previous row was not churned; one day built: its
    -- last built row)
    is_churned and not coalesce(
        {%- if framed %}
        lag(is_churned) over (partition by client_id order by business_date),
        {%- endif %}
        last_built_is_churned,
        false
    ) as is_newly_churned
from churn
