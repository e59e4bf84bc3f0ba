{{ config(**daily_incremental_config('business_date')) }}
{%- if target.type not in ('spark', 'databricks') %}{{ config(incremental_strategy='replace_client_months') }}{% endif %}
-- The 客户情况 / 客户分析 dashboards' client-month dataset (Superset dataset bi_client_monthly), joined
-- once per build instead of on every chart query: fct_client_monthly with the client's profile of the
-- month (fct_client_profile_monthly) and the names of every dimension it points to, current (type 1).
{#- Incremental (bi_client_months_start in macros/presentation.sql): a daily build replaces the months
    from the month of its first new day, and the earlier rows of the clients whose record changed on
    the new days (their current city, risk level, status...). It rebuilds whole when a branch's or a
    broker's names or tree changed, after a corrected day, and on Spark. -#}
{%- set month = bi_client_months_start() %}
{%- set start = build_from({'column': 'last_landed_date'}) %}
with

clients as (select * from {{ ref('dim_client') }}),
{%- if month is none %}
months as (select * from {{ ref('fct_client_monthly') }}),
profiles as (select * from {{ ref('fct_client_profile_monthly') }}),
{%- else %}
-- the clients whose record changed on the new days: their earlier months are rebuilt too
changed_clients as (select client_id from clients where {{ since('record_date', start) }}),
months as (
    select * from {{ ref('fct_client_monthly') }}
    where {{ since('month_start_date', month) }} or client_id in (select client_id from changed_clients)
),
profiles as (
    select * from {{ ref('fct_client_profile_monthly') }}
    where {{ since('month_start_date', month) }} or client_id in (select client_id from changed_clients)
),
{%- endif %}
branches as (select * from {{ ref('dim_branch') }}),
brokers as (select * from {{ ref('dim_broker') }}),
channels as (select * from {{ ref('dim_channel') }}),
tiers as (select * from {{ ref('client_tiers') }}),
bands as (select * from {{ ref('client_bands') }}),

final as (

    select
        m.month_start_date as business_date,
        -- the month as text (2024-03): a table's row label that the dashboards' time grain leaves alone
        substring(cast(m.month_start_date as {{ dbt.type_string() }}), 1, 7) as report_month,
        m.branch_code,
        m.branch_key,
        b.branch_name,
        b.region_name,
        m.client_id,
        c.client_name_masked,
        c.client_id || ' ' || coalesce(c.client_name_masked, '') as client_label,
        coalesce(c.city, '未知') as city,
        case c.gender when 'M' then '男' when 'F' then '女' else '未知' end as gender_name,
        coalesce(c.risk_level, '未知') as risk_level,
        cast(extract(year from c.birth_date) as integer) as birth_year,
        c.open_date,
        coalesce(c.client_status_name_zh, '未知') as client_status_name,
        coalesce(t.tier_name_zh, '未知') as tier_name,
        coalesce(t.tier_rank, 0) as tier_rank,
        '上月·' || coalesce(pt.tier_name_zh, '未知') as from_tier,
        '本月·' || coalesce(t.tier_name_zh, '未知') as to_tier,
        coalesce(ab.band_name_zh, '未知') as age_band,
        coalesce(tb.band_name_zh, '未知') as tenure_band,
        case when p.preferred_channel_code is null then '无委托' else coalesce(ch.channel_name_zh, '未知') end
            as channel_name,
        p.broker_key,
        {%- for column, expression in bi_broker_names().items() %}
        {{ expression }} as {{ column }},
        {%- endfor %}
        m.is_opened,
        m.is_closed_in_month,
        m.is_churned_in_month,
        m.is_active,
        m.is_reactivated,
        m.is_effective_at_month_end,
        p.is_inactive_at_month_end,
        p.custody_in_count,
        p.custody_out_count,
        p.custody_in_value,
        p.custody_out_value,
        m.open_day_count,
        m.open_total_assets,
        m.month_end_total_assets,
        m.turnover,
        m.net_commission,
        m.pnl,
        m.client_count,
        m.last_landed_date
    from months as m
    left join profiles as p
        on p.client_id = m.client_id and p.month_start_date = m.month_start_date
    left join clients as c on c.client_key = m.client_key
    left join branches as b on b.branch_key = m.branch_key
    left join brokers as k on k.broker_key = p.broker_key
    left join channels as ch on ch.channel_key = p.channel_key
    left join tiers as t on t.tier_code = m.tier_key
    left join tiers as pt on pt.tier_code = m.previous_tier_key
    left join bands as ab on ab.band_code = p.age_band_code
    left join bands as tb on tb.band_code = p.tenure_band_code

)

select * from final
