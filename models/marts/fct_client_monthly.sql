{{ config(**daily_incremental_config('month_start_date')) }}
{#- Incremental: the months from the month of `build_from` (read from last_landed_date) are replaced.
    The daily build extends the month: its rows built before (the month so far, summed) are added to
    the new days' client-days, so a day costs one day of client-days, not the month's. A rebuild from a
    corrected day reads the month from its first day. The previous month's month-end tier
    (previous_tier_key) is read from the rows built before. Spark always rebuilds the month (it would
    read the partition it overwrites). -#}
{%- set start = build_from(column='last_landed_date') %}
{%- set requested = var('rebuild_from', none) %}
{%- set month = none if start is none else start[:8] ~ '01' %}
{#- extending: the build starts after the last day built (not from a corrected earlier day) -#}
{%- set extends = start is not none and target.type not in ('spark', 'databricks') %}
{%- if extends and requested %}
    {%- set extends = run_query(
        "select max(last_landed_date) < cast('" ~ (requested | string)[:10] ~ "' as date) from " ~ this
    ).columns[0].values()[0] %}
{%- endif %}
{%- set read_start = start if extends else month %}
-- Client-month 客户月, one row per client and calendar month with at least one landed client-day:
-- daily average assets 日均资产 (mean TA over the landed days the account was open), the month's tier
-- (by the previous month's daily average assets) and the previous month's tier, trading, flows, client
-- turnover rate 客户换手率 = turnover / (2 x daily average assets), and the month's client flow flags.
-- branch_code is the branch of the client's last row of the month.
with

-- the client-days to add, and (extending a month) the month so far as one row per client: the sums,
-- and the values of its last row
month_rows as (

    select
        client_id,
        month_start_date,
        business_date,
        branch_code,
        tier_key,
        tier_code,
        previous_month_daily_average_assets,
        total_assets,
        is_effective_account,
        is_churned,
        open_day_count,
        open_total_assets,
        turnover,
        commission,
        net_commission,
        net_cash_inflow,
        net_asset_inflow,
        daily_pnl as pnl,
        fill_count,
        order_count,
        case when is_active then 1 else 0 end as is_active,
        case when is_opening_day then 1 else 0 end as is_opened,
        case when is_newly_churned then 1 else 0 end as is_churned_in_month,
        case when is_reactivated then 1 else 0 end as is_reactivated,
        coalesce(cast(log_return as decimal(38, 18)), 0) as log_return
    from {{ ref('fct_client_daily') }}
    where {{ since('business_date', read_start) }}
    {%- if extends %}

    union all

    select
        client_id,
        month_start_date,
        last_landed_date,
        branch_code,
        tier_key,
        tier_code,
        previous_month_daily_average_assets,
        month_end_total_assets,
        is_effective_at_month_end,
        is_churned_at_month_end,
        open_day_count,
        open_total_assets,
        turnover,
        commission,
        net_commission,
        net_cash_inflow,
        net_asset_inflow,
        pnl,
        fill_count,
        order_count,
        case when is_active then 1 else 0 end,
        case when is_opened then 1 else 0 end,
        case when is_churned_in_month then 1 else 0 end,
        case when is_reactivated then 1 else 0 end,
        log_return
    from {{ this }}
    where month_start_date = cast('{{ month }}' as date)
    {%- endif %}

),

monthly as (

    select
        client_id,
        month_start_date,
        {{ sum_bigint('open_day_count') }} as open_day_count,
        {{ sum_money('open_total_assets') }} as open_total_assets,
        {{ sum_money('turnover') }} as turnover,
        {{ sum_money('commission') }} as commission,
        {{ sum_money('net_commission') }} as net_commission,
        {{ sum_money('net_cash_inflow') }} as net_cash_inflow,
        {{ sum_money('net_asset_inflow') }} as net_asset_inflow,
        {{ sum_money('pnl') }} as pnl,
        {{ sum_bigint('fill_count') }} as fill_count,
        {{ sum_bigint('order_count') }} as order_count,
        max(is_active) = 1 as is_active,
        max(is_opened) = 1 as is_opened,
        max(is_churned_in_month) = 1 as is_churned_in_month,
        max(is_reactivated) = 1 as is_reactivated,
        cast(sum(log_return) as decimal(38, 18)) as log_return
    from month_rows
    group by client_id, month_start_date

),

month_end as (

    select *
    from (
        select
            *,
            row_number() over (
                partition by client_id, month_start_date order by business_date desc, branch_code desc
            ) as reverse_day_rank
        from month_rows
    ) as ranked
    where reverse_day_rank = 1

),

-- each client's month-end tier, for the next month's previous_tier_key
month_end_tiers as (

    select client_id, month_start_date, tier_key from month_end
    {%- if start is not none %}
    union all
    select client_id, month_start_date, tier_key from {{ this }}
    where month_start_date = cast({{ dbt.dateadd('month', -1, "cast('" ~ month ~ "' as date)") }} as date)
    {%- endif %}

),

clients as (select client_key, close_date from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        {{ date_key('m.month_start_date') }} as month_key,
        m.month_start_date,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        e.branch_code,
        m.client_id,
        e.tier_key,
        e.tier_code,
        e.previous_month_daily_average_assets,
        coalesce(previous_month.tier_key, '-1') as previous_tier_key,
        m.open_day_count,
        m.open_total_assets,
        {{ average('m.open_total_assets', 'm.open_day_count') }} as daily_average_assets,
        e.business_date as last_landed_date,
        e.total_assets as month_end_total_assets,
        e.is_effective_account as is_effective_at_month_end,
        e.is_churned as is_churned_at_month_end,
        m.is_active,
        m.is_opened,
        coalesce(c.close_date >= m.month_start_date and c.close_date < {{ dbt.dateadd('month', 1, 'm.month_start_date') }}, false)
            as is_closed_in_month,
        m.is_churned_in_month,
        m.is_reactivated,
        m.turnover,
        m.commission,
        m.net_commission,
        m.net_cash_inflow,
        m.net_asset_inflow,
        m.pnl,
        m.fill_count,
        m.order_count,
        {{ ratio('m.turnover * m.open_day_count', '2 * m.open_total_assets') }} as client_turnover_rate,
        m.log_return,
        cast(1 as bigint) as client_count
    from monthly as m
    inner join month_end as e on e.client_id = m.client_id and e.month_start_date = m.month_start_date
    left join month_end_tiers as previous_month
        on previous_month.client_id = m.client_id
        and previous_month.month_start_date = {{ dbt.dateadd('month', -1, 'm.month_start_date') }}
    left join clients as c on c.client_key = m.client_id
    left join branches as b on b.branch_key = e.branch_code

)

select * from final
