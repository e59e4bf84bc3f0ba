{{ config(**daily_incremental_config('month_start_date', frontier={'column': 'last_landed_date'}, staged=true)) }}
{#- Incremental: the months from the month of `build_from` (read from last_landed_date) are replaced.
    The daily build extends the month: its rows built before (the month so far, summed) are added to
    the new days' client-days, so a day costs one day of client-days, not the month's. A rebuild from a
    corrected day reads the month from its first day. The previous month's month-end tier
    (previous_tier_key) is read from the rows built before. Spark always rebuilds the month (it would
    read the partition it overwrites). -#}
{%- set start = build_from() %}
{%- set month = none if start is none else start[:8] ~ '01' %}
{%- set extends = extends_month(start) %}
{%- set read_start = start if extends else month %}
{#- the month's sums and flags, each from its client-day column of fct_client_daily -#}
{%- set summed = {
    'open_day_count': 'open_day_count',
    'open_total_assets': 'open_total_assets',
    'turnover': 'turnover',
    'commission': 'commission',
    'net_commission': 'net_commission',
    'net_cash_inflow': 'net_cash_inflow',
    'net_asset_inflow': 'net_asset_inflow',
    'pnl': 'daily_pnl',
    'fill_count': 'fill_count',
    'order_count': 'order_count',
} %}
{%- set counts = ['open_day_count', 'fill_count', 'order_count'] %}
{%- set flags = {
    'is_active': 'is_active',
    'is_opened': 'is_opening_day',
    'is_churned_in_month': 'is_newly_churned',
    'is_reactivated': 'is_reactivated',
} %}
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
        {%- for column, daily in summed.items() %}
        {{ daily }} as {{ column }},
        {%- endfor %}
        {%- for column, daily in flags.items() %}
        case when {{ daily }} then 1 else 0 end as {{ column }},
        {%- endfor %}
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
        {%- for column in summed %}
        {{ column }},
        {%- endfor %}
        {%- for column in flags %}
        case when {{ column }} then 1 else 0 end,
        {%- endfor %}
        log_return
    from {{ this }}
    where month_start_date = cast('{{ month }}' as date)
    {%- endif %}

),

monthly as (

    select
        client_id,
        month_start_date,
        {%- for column in summed %}
        {{ sum_bigint(column) if column in counts else sum_money(column) }} as {{ column }},
        {%- endfor %}
        {%- for column in flags %}
        max({{ column }}) = 1 as {{ column }},
        {%- endfor %}
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
