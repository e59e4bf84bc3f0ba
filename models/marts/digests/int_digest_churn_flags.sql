{{ config(schema='intermediate', **daily_incremental_config()) }}
-- Churn flags 流失标志 per client-day, computed here from int_client_daily exactly as
-- docs/contract/metrics.md defines them, because no shared mart holds them yet. When the shared churn
-- mart lands in models/marts, point fct_broker_reminders / agg_digest_branch_daily at it instead.
--
-- churn warning 流失预警: net asset outflow over the last 5 trading days (t-4 .. t) >= 50% of total
--   assets five trading days earlier (end of t-5) and >= 50,000 (seeds). When the client has no row
--   on t-5 because its history starts inside the window, the start is its total assets before the
--   first landed day's flows (0 on an opening day).
-- churned 流失客户 (by assets): TA < 20% of the daily average assets over the preceding 90 calendar
--   days, net asset inflow over those days negative and at least 80% of the drop (seeds). Closing is
--   counted separately (account closed).
-- is_new_*: the flag is set today and was not on the client's previous row (one reminder per episode).
{#- window frames need literal offsets: the seeds are read when the model runs (after the seeds) -#}
{%- set seeds = namespace(warning_days=5, lookback_days=90) -%}
{%- if execute -%}
    {%- set seeded = run_query(
        "select threshold_name, cast(threshold_value as integer) from " ~ ref('thresholds')
        ~ " where threshold_name in ('churn_warning_trading_days', 'churn_lookback_days')"
    ) -%}
    {%- for row in seeded.rows -%}
        {%- if row[0] == 'churn_warning_trading_days' -%}{%- set seeds.warning_days = row[1] | int -%}{%- endif -%}
        {%- if row[0] == 'churn_lookback_days' -%}{%- set seeds.lookback_days = row[1] | int -%}{%- endif -%}
    {%- endfor -%}
{%- endif %}
{%- set warning_days = seeds.warning_days -%}
{%- set lookback_days = seeds.lookback_days %}
{#- incremental: rows from `start`, inputs from the 90-calendar-day / 5-trading-day look-back before it -#}
{%- set start = build_from() %}
{%- set read_start = lookback_from(start, days=lookback_days, trading_days=warning_days) %}
with

client_days as (

    select * from {{ ref('int_client_daily') }}
    where {{ since('business_date', read_start) }}

),

-- the flags of every client's last row already built (none on a full build)
prior as (

    {%- if start is none %}
    select
        cast(null as {{ dbt.type_string() }}) as client_id,
        cast(null as boolean) as is_churn_warning,
        cast(null as boolean) as is_churned_by_assets
    where 1 = 0
    {%- else %}
    select client_id, is_churn_warning, is_churned_by_assets
    from (
        select
            client_id,
            is_churn_warning,
            is_churned_by_assets,
            row_number() over (partition by client_id order by business_date desc) as recency
        from {{ this }}
        where {{ before('business_date', start) }}
    ) as built
    where recency = 1
    {%- endif %}

),

calendar as (

    select calendar_date, trading_day_number from {{ ref('int_trading_calendar') }}

),

numbered as (

    select
        d.business_date,
        d.branch_code,
        d.client_id,
        d.total_assets,
        d.previous_total_assets,
        d.net_asset_inflow,
        d.is_first_landed_day,
        c.trading_day_number,
        {{ dbt.datediff("cast('2000-01-01' as date)", 'd.business_date', 'day') }} as day_number
    from client_days as d
    inner join calendar as c on c.calendar_date = d.business_date

),

windowed as (

    select
        n.*,
        sum(n.net_asset_inflow) over (
            partition by n.client_id order by n.trading_day_number
            range between {{ warning_days - 1 }} preceding and current row
        ) as net_asset_inflow_5d,
        avg(n.total_assets) over (
            partition by n.client_id order by n.day_number
            range between {{ lookback_days }} preceding and 1 preceding
        ) as average_assets_90d,
        sum(n.net_asset_inflow) over (
            partition by n.client_id order by n.day_number
            range between {{ lookback_days - 1 }} preceding and current row
        ) as net_asset_inflow_90d
    from numbered as n

),

-- every client's first landed day (from the whole history: it may precede the look-back)
first_days as (

    select
        d.client_id,
        c.trading_day_number as first_trading_day_number,
        coalesce(d.previous_total_assets, d.total_assets - d.net_asset_inflow) as assets_before_first_day
    from {{ ref('int_client_daily') }} as d
    inner join calendar as c on c.calendar_date = d.business_date
    where d.is_first_landed_day

),

started as (

    select
        w.*,
        f.first_trading_day_number,
        coalesce(
            start_day.total_assets,
            case
                when f.first_trading_day_number > w.trading_day_number - {{ warning_days }}
                    then f.assets_before_first_day
            end
        ) as start_total_assets
    from windowed as w
    left join numbered as start_day
        on start_day.client_id = w.client_id
        and start_day.trading_day_number = w.trading_day_number - {{ warning_days }}
    left join first_days as f on f.client_id = w.client_id
    where {{ since('w.business_date', start) }}

),

flagged as (

    select
        business_date,
        branch_code,
        client_id,
        total_assets,
        start_total_assets,
        cast(-net_asset_inflow_5d as decimal(38, 2)) as net_asset_outflow_5d,
        cast(average_assets_90d as decimal(38, 2)) as average_assets_90d,
        cast(net_asset_inflow_90d as decimal(38, 2)) as net_asset_inflow_90d,
        coalesce(
            -net_asset_inflow_5d >= {{ threshold('churn_warning_outflow_ratio') }} * start_total_assets
            and -net_asset_inflow_5d >= {{ threshold('churn_warning_min_outflow') }}
            and start_total_assets > 0,
            false
        ) as is_churn_warning,
        coalesce(
            total_assets < {{ threshold('churn_assets_ratio') }} * average_assets_90d
            and net_asset_inflow_90d < 0
            and -net_asset_inflow_90d >= {{ threshold('churn_outflow_share') }} * (average_assets_90d - total_assets),
            false
        ) as is_churned_by_assets
    from started

),

final as (

    select
        f.*,
        f.is_churn_warning and not coalesce(
            lag(f.is_churn_warning) over (partition by f.client_id order by f.business_date),
            p.is_churn_warning,
            false
        ) as is_new_churn_warning,
        f.is_churned_by_assets and not coalesce(
            lag(f.is_churned_by_assets) over (partition by f.client_id order by f.business_date),
            p.is_churned_by_assets,
            false
        ) as is_newly_churned_by_assets
    from flagged as f
    left join prior as p on p.client_id = f.client_id

)

select * from final
