{{ config(**daily_incremental_config('month_start_date')) }}
{#- Incremental: the months from the month of `build_from` (read from last_landed_date) are rebuilt
    whole, like fct_client_daily (the month's rows change with every landed day); the previous month's
    client-days are read too, for its month-end tier (previous_tier_key). -#}
{%- set start = build_from(column='last_landed_date', month_start=true) %}
{%- set read_start = lookback_from(start, months=1) %}
-- Client-month 客户月, one row per client and calendar month with at least one landed client-day:
-- daily average assets 日均资产 (mean TA over the landed days the account was open), the month's tier
-- (by the previous month's daily average assets) and the previous month's tier, trading, flows, client
-- turnover rate 客户换手率 = turnover / (2 x daily average assets), and the month's client flow flags.
-- branch_code is the branch of the client's last row of the month.
with

client_days as (

    select * from {{ ref('fct_client_daily') }}
    where {{ since('business_date', read_start) }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by client_id, month_start_date order by business_date desc, branch_code desc
        ) as reverse_day_rank
    from client_days

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
        {{ sum_money('daily_pnl') }} as pnl,
        {{ sum_bigint('fill_count') }} as fill_count,
        {{ sum_bigint('order_count') }} as order_count,
        max(case when is_active then 1 else 0 end) = 1 as is_active,
        max(case when is_opening_day then 1 else 0 end) = 1 as is_opened,
        max(case when is_newly_churned then 1 else 0 end) = 1 as is_churned_in_month,
        max(case when is_reactivated then 1 else 0 end) = 1 as is_reactivated,
        sum(coalesce(log_return, 0)) as log_return
    from client_days
    where {{ since('month_start_date', start) }}
    group by client_id, month_start_date

),

month_end as (

    select * from ranked where reverse_day_rank = 1

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
        cast(m.log_return as double) as log_return,
        cast(1 as bigint) as client_count
    from monthly as m
    inner join month_end as e on e.client_id = m.client_id and e.month_start_date = m.month_start_date
    left join month_end as previous_month
        on previous_month.client_id = m.client_id
        and previous_month.month_start_date = {{ dbt.dateadd('month', -1, 'm.month_start_date') }}
    left join clients as c on c.client_key = m.client_id
    left join branches as b on b.branch_key = e.branch_code

)

select * from final
