{{ config(**daily_incremental_config(frontier={'filter': "event_type <> 'closed'"})) }}
{#- Incremental: the events from `build_from` on are rebuilt (the frontier leaves out the closed
    events, dated by the client record's close_date). A tier or broker change compares a row with the
    client's previous row: the new days' rows are read with each client's rows on its last day before
    them (the last day built before, else, for a client not on it, its own last earlier day), so a
    day's build reads a day or two of client-days, not a month. -#}
{%- set start = build_from() %}
{%- set previous_day = last_day_before(ref('fct_client_daily'), start) %}
{%- set day_columns = [
    'business_date', 'branch_code', 'client_id', 'month_start_date', 'tier_code', 'is_opening_day',
    'is_newly_churned', 'is_closed', 'is_reactivated',
] %}
{%- set attribution_columns = ['business_date', 'branch_code', 'client_id', 'broker_key', 'share'] %}
-- Client events 客户事件, one row per client and event: opened 开户 (open date), closed 销户 (close
-- date), churned 流失 (a churn episode starts), reactivated 沉睡唤醒 (first fill after >= 90 days
-- without one), tier_changed 分级变化 (first row of a month whose tier differs from the previous month's),
-- broker_changed 服务经纪人变更 (the primary servicing broker - largest share, ties by broker key - differs
-- from the client's previous row). from_value / to_value hold the tier or broker before and after.
-- A client's rows are ordered by business date and branch code.
with

new_client_days as (

    select {{ day_columns | join(', ') }}, first_landed_date
    from {{ ref('fct_client_daily') }}
    where {{ since('business_date', start) }}

),
{%- if previous_day is not none %}

-- clients of the new days not on the previous day that landed before it
previous_gaps as (

    {{ clients_missing_on('new_client_days', ref('fct_client_daily'), previous_day, start) }}

),
{%- endif %}

client_days as (

    select {{ day_columns | join(', ') }} from new_client_days
    {%- if previous_day is not none %}
    union all
    {{ last_rows_before(ref('fct_client_daily'), day_columns, previous_day, 'select client_id from previous_gaps') }}
    {%- endif %}

),

attribution as (

    select {{ attribution_columns | join(', ') }}
    from {{ ref('int_broker_attribution_daily') }}
    where {{ since('business_date', start) }}
    {%- if previous_day is not none %}
    union all
    {{ last_rows_before(ref('int_broker_attribution_daily'), attribution_columns, previous_day, 'select client_id from previous_gaps') }}
    {%- endif %}

),

client_records as (

    select
        client_id,
        branch_code,
        close_date,
        row_number() over (partition by client_id order by business_date desc, source_row desc) as recency
    from {{ ref('stg_lake__clients') }}

),

primary_brokers as (

    select
        business_date,
        branch_code,
        client_id,
        broker_key,
        row_number() over (
            partition by business_date, branch_code, client_id order by share desc, broker_key
        ) as share_rank
    from attribution

),

broker_days as (

    select
        business_date,
        branch_code,
        client_id,
        broker_key,
        lag(broker_key) over (partition by client_id order by business_date, branch_code) as previous_broker_key
    from primary_brokers
    where share_rank = 1

),

month_firsts as (

    select
        *,
        row_number() over (
            partition by client_id, month_start_date order by business_date, branch_code
        ) as day_in_month,
        lag(tier_code) over (partition by client_id order by business_date, branch_code) as previous_tier_code
    from client_days

),

events as (

    select business_date, branch_code, client_id, 'opened' as event_type,
        cast(null as {{ dbt.type_string() }}) as from_value, cast(null as {{ dbt.type_string() }}) as to_value
    from client_days
    where is_opening_day

    union all

    select close_date, branch_code, client_id, 'closed', null, null
    from client_records
    where recency = 1 and close_date is not null

    union all

    select business_date, branch_code, client_id, 'churned', null, null
    from client_days
    where is_newly_churned and not is_closed

    union all

    select business_date, branch_code, client_id, 'reactivated', null, null
    from client_days
    where is_reactivated

    union all

    select business_date, branch_code, client_id, 'tier_changed', previous_tier_code, tier_code
    from month_firsts
    where day_in_month = 1
        and tier_code is not null
        and previous_tier_code is not null
        and tier_code <> previous_tier_code

    union all

    select business_date, branch_code, client_id, 'broker_changed', previous_broker_key, broker_key
    from broker_days
    where previous_broker_key is not null and previous_broker_key <> broker_key

),

clients as (select client_key from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        {{ dbt.concat(["cast(e.business_date as " ~ dbt.type_string() ~ ")", "'/'", "e.client_id", "'/'", "e.event_type"]) }} as client_event_key,
        e.business_date,
        {{ date_key('e.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        e.branch_code,
        e.client_id,
        e.event_type,
        e.from_value,
        e.to_value
    from events as e
    left join clients as c on c.client_key = e.client_id
    left join branches as b on b.branch_key = e.branch_code
    where {{ since('e.business_date', start) }}

)

select * from final
