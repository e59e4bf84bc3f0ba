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
-- Look-back windows are RANGE frames over a day number (portable: DuckDB, Spark, Postgres 11+); frame
-- offsets must be literals, so the day counts are read from the `thresholds` seed when the model runs.
{%- set lookback_days = 90 -%}
{%- set warning_days = 5 -%}
{%- if execute -%}
    {%- set seeded = run_query(
        "select threshold_name, cast(threshold_value as integer) from " ~ ref('thresholds')
        ~ " where threshold_name in ('churn_lookback_days', 'churn_warning_trading_days')"
    ) -%}
    {%- for row in seeded.rows -%}
        {%- if row[0] == 'churn_lookback_days' -%}{%- set lookback_days = row[1] -%}{%- endif -%}
        {%- if row[0] == 'churn_warning_trading_days' -%}{%- set warning_days = row[1] -%}{%- endif -%}
    {%- endfor -%}
{%- endif %}
{#- Incremental: rows are rebuilt from `build_from` (no row depends on a later day); the inputs are
    read from the earliest of the look-back windows before it (90 calendar days, 5 trading days, the
    previous month for the tier and the month to date). Running values (last fill, first landed day,
    cumulative log-return, the previous churn state) start from the rows already built before it. -#}
{%- set start = build_from() %}
{%- set read_start = lookback_from(start, days=lookback_days, trading_days=warning_days, months=1) %}
with

client_days as (

    select * from {{ ref('int_client_daily') }}
    where {{ since('business_date', read_start) }}

),

built as (

    {%- if start is none %}
    select
        cast(null as {{ dbt.type_string() }}) as client_id,
        cast(null as date) as business_date,
        cast(null as boolean) as is_active,
        cast(null as double) as log_return,
        cast(null as boolean) as is_churned
    where 1 = 0
    {%- else %}
    select client_id, business_date, is_active, log_return, is_churned
    from {{ this }}
    where {{ before('business_date', start) }}
    {%- endif %}

),

-- the running values of each client's rows already built, by aggregates (no sort of the history)
prior_days as (

    select
        client_id,
        min(business_date) as first_landed_date,
        max(case when is_active then business_date end) as last_fill_date,
        sum(coalesce(cast(log_return as decimal(38, 18)), 0)) as cumulative_log_return,
        max(business_date) as last_built_date
    from built
    group by client_id

),

prior as (

    select
        p.client_id,
        p.first_landed_date,
        p.last_fill_date,
        p.cumulative_log_return,
        -- churned on its last built day (in any of its branches that day)
        max(case when b.is_churned then 1 else 0 end) = 1 as last_is_churned
    from prior_days as p
    inner join built as b on b.client_id = p.client_id and b.business_date = p.last_built_date
    group by p.client_id, p.first_landed_date, p.last_fill_date, p.cumulative_log_return

),

calendar as (

    select calendar_date, trading_day_number from {{ ref('int_trading_calendar') }}
    where is_trading_day

),

tiers as (

    select * from {{ ref('client_tiers') }}

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
        sum(coalesce(cast(ln(1 + cast(benchmark_daily_return as double)) as decimal(38, 18)), 0)) over (
            order by business_date rows between unbounded preceding and current row
        ) as benchmark_cumulative_log_return
    from benchmark

),

numbered as (

    select
        d.business_date,
        d.branch_code,
        d.client_id,
        d.open_date,
        d.is_first_landed_day,
        d.has_balance,
        d.total_assets,
        d.market_value,
        d.trapped_market_value,
        d.deeply_trapped_market_value,
        d.net_asset_inflow,
        d.daily_return,
        d.fill_count,
        cal.trading_day_number,
        {{ dbt.datediff("cast('2000-01-01' as date)", 'd.business_date', 'day') }} as day_number,
        cast({{ dbt.date_trunc('month', 'd.business_date') }} as date) as month_start_date,
        case
            when pr.first_landed_date < min(d.business_date) over (partition by d.client_id) then pr.first_landed_date
            else min(d.business_date) over (partition by d.client_id)
        end as first_landed_date,
        pr.last_fill_date as prior_fill_date,
        coalesce(pr.cumulative_log_return, 0) as prior_cumulative_log_return
    from client_days as d
    inner join calendar as cal on cal.calendar_date = d.business_date
    left join prior as pr on pr.client_id = d.client_id

),

windowed as (

    select
        n.*,
        -- the last landed fill before this day
        coalesce(
            max(case when n.fill_count > 0 then n.business_date end) over (
                partition by n.client_id order by n.business_date
                rows between unbounded preceding and 1 preceding
            ),
            n.prior_fill_date
        ) as previous_fill_date,
        sum(case when n.has_balance then n.total_assets end) over (
            partition by n.client_id order by n.day_number
            range between {{ lookback_days }} preceding and 1 preceding
        ) as lookback_assets_sum,
        sum(case when n.has_balance then 1 else 0 end) over (
            partition by n.client_id order by n.day_number
            range between {{ lookback_days }} preceding and 1 preceding
        ) as lookback_open_days,
        sum(n.net_asset_inflow) over (
            partition by n.client_id order by n.day_number
            range between {{ lookback_days - 1 }} preceding and current row
        ) as lookback_net_asset_inflow,
        sum(case when n.has_balance then n.total_assets end) over (
            partition by n.client_id, n.month_start_date order by n.business_date
            rows between unbounded preceding and current row
        ) as month_to_date_assets_sum,
        sum(case when n.has_balance then 1 else 0 end) over (
            partition by n.client_id, n.month_start_date order by n.business_date
            rows between unbounded preceding and current row
        ) as month_to_date_open_days,
        sum(n.net_asset_inflow) over (
            partition by n.client_id order by n.trading_day_number
            range between {{ warning_days - 1 }} preceding and current row
        ) as warning_net_asset_inflow,
        -- summed as DECIMAL (exact, so the running sum does not depend on where a build started)
        n.prior_cumulative_log_return + sum(
            case when {{ since('n.business_date', start) }} then
                coalesce(
                    cast(
                        cast(
                            case when 1 + cast(n.daily_return as double) > 0 then ln(1 + cast(n.daily_return as double)) end
                            as double
                        ) as decimal(38, 18)
                    ),
                    0
                )
            else 0 end
        ) over (
            partition by n.client_id order by n.business_date rows between unbounded preceding and current row
        ) as cumulative_log_return
    from numbered as n

),

monthly_assets as (

    select
        client_id,
        month_start_date,
        {{ sum_money('case when has_balance then total_assets end') }} as open_total_assets,
        {{ sum_bigint('case when has_balance then 1 else 0 end') }} as open_day_count
    from numbered
    group by client_id, month_start_date

),

monthly_tiers as (

    select
        m.client_id,
        m.month_start_date,
        {{ average('m.open_total_assets', 'm.open_day_count') }} as daily_average_assets,
        t.tier_code,
        t.tier_rank
    from monthly_assets as m
    left join tiers as t
        on m.open_day_count > 0
        and m.open_total_assets >= t.min_daily_avg_assets * m.open_day_count
        and (t.max_daily_avg_assets is null or m.open_total_assets < t.max_daily_avg_assets * m.open_day_count)

),

flagged as (

    select
        w.business_date,
        w.branch_code,
        w.client_id,
        w.month_start_date,
        w.fill_count > 0 as is_active,
        cast(case when w.has_balance then 1 else 0 end as bigint) as open_day_count,
        cast(case when w.has_balance then w.total_assets else 0 end as decimal(38, 2)) as open_total_assets,
        w.previous_fill_date,
        -- calendar days without a fill before this day, counted from the last landed fill, else from
        -- the later of the open date and the first landed day
        {{ dbt.datediff(
            'coalesce(w.previous_fill_date, case when w.open_date > w.first_landed_date'
            ~ ' then w.open_date else w.first_landed_date end)',
            'w.business_date', 'day') }} as days_without_fill,
        closed.client_id is not null as is_closed,
        {{ average('w.lookback_assets_sum', 'w.lookback_open_days') }} as lookback_daily_average_assets,
        {{ average('w.month_to_date_assets_sum', 'w.month_to_date_open_days') }}
            as month_to_date_daily_average_assets,
        cast(w.lookback_net_asset_inflow as decimal(38, 2)) as lookback_net_asset_inflow,
        cast(-w.warning_net_asset_inflow as decimal(38, 2)) as warning_net_asset_outflow,
        case
            when warning_start.client_id is not null then warning_start.total_assets
            when w.open_date > start_day.calendar_date then cast(0 as decimal(38, 2))
        end as warning_start_total_assets,
        {{ ratio('w.trapped_market_value', 'w.market_value') }} as trapped_degree,
        {{ ratio('w.deeply_trapped_market_value', 'w.market_value') }} as deeply_trapped_degree,
        cast(
            case when 1 + cast(w.daily_return as double) > 0 then ln(1 + cast(w.daily_return as double)) end
            as double
        ) as log_return,
        cast(w.cumulative_log_return as double) as cumulative_log_return,
        w.total_assets,
        w.has_balance
    from windowed as w
    left join client_records as closed
        on closed.client_id = w.client_id
        and closed.recency = 1
        and (
            closed.close_date <= w.business_date
            or (closed.close_date is null and closed.status in (select client_status from closed_statuses))
        )
    left join calendar as start_day
        on start_day.trading_day_number = w.trading_day_number - {{ warning_days }}
    left join numbered as warning_start
        on warning_start.client_id = w.client_id
        and warning_start.trading_day_number = w.trading_day_number - {{ warning_days }}
    where {{ since('w.business_date', start) }}

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
        previous_month.daily_average_assets as previous_month_daily_average_assets,
        previous_month.tier_code,
        previous_month.tier_rank,
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
        f.cumulative_log_return,
        b.benchmark_close,
        b.benchmark_daily_return,
        cast(b.benchmark_cumulative_log_return as double) as benchmark_cumulative_log_return
    from flagged as f
    left join monthly_tiers as previous_month
        on previous_month.client_id = f.client_id
        and previous_month.month_start_date = {{ dbt.dateadd('month', -1, 'f.month_start_date') }}
    left join benchmark_cumulative as b on b.business_date = f.business_date

),

churn as (

    select
        *,
        is_closed or is_churned_by_assets as is_churned
    from final

)

select
    c.*,
    -- the day a churn episode starts (the client's previous row was not churned)
    c.is_churned and not coalesce(
        lag(c.is_churned) over (partition by c.client_id order by c.business_date),
        p.last_is_churned,
        false
    ) as is_newly_churned
from churn as c
left join prior as p on p.client_id = c.client_id
