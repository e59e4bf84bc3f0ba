{{ config(**daily_incremental_config('month_start_date', frontier={'column': 'last_landed_date', 'month_start': true})) }}
{#- Incremental: the months from the month of `build_from` are rebuilt whole (every measure is of one
    month: the retention start and end are the first and last landed days of the same month). The
    frontier is the last landed date built: a day's build rebuilds its own month, and the previous
    month only on a rebuild from one of its days. -#}
{%- set start = build_from() %}
{#- the branches' first landed days of the months rebuilt, as a date range the month-start reads keep
    to (DuckDB skips the rest of the month's row groups; the join below still picks each branch's day) -#}
{%- set first_days = none %}
{%- if execute and start is not none %}
    {%- set first_days = run_query(
        "select min(first_day), max(first_day) from (select min(business_date) as first_day from "
        ~ ref('agg_broker_daily') ~ " where " ~ since('business_date', start)
        ~ " group by branch_code, " ~ dbt.date_trunc('month', 'business_date') ~ ") as f"
    ).rows[0] %}
{%- endif %}
-- Broker performance 经纪人业绩月汇总: month x branch x broker (incl. `unassigned 无归属`).
--   attributed AUM 托管资产: attributed total assets (MV + cash) on the branch's last landed day of the
--     month, and the attributed daily average over the branch's landed days;
--   net commission 净佣金, turnover, net asset inflow: attributed sums (add up to the branch);
--   contribution rate 贡献率: the broker's net commission / its branch's net commission of the month;
--   clients: clients the broker services on the last landed day (not additive);
--   new effective accounts 新增有效户: clients opened in the month and effective at month end, credited
--     to the developer relation (relation_type 1) open on the opening day (else unassigned);
--   churned: clients whose churn episode started in the month, counted for each broker servicing them
--     that day;
--   retention 留存率: clients serviced at the branch's first landed day of the month (open) that are still
--     open and not churned on their last row of the month / clients serviced at the start.
-- The sums and the month-end figures come from the broker-day cube (a few rows per broker and day);
-- only the counts of clients read the client-day attributions.
with

broker_days as (

    select
        d.*,
        cast({{ dbt.date_trunc('month', 'd.business_date') }} as date) as month_start_date
    from {{ ref('agg_broker_daily') }} as d
    where {{ since('d.business_date', start) }}

),

attributions as (

    select
        a.*,
        cast({{ dbt.date_trunc('month', 'a.business_date') }} as date) as month_start_date
    from {{ ref('int_broker_attribution_daily') }} as a
    where {{ since('a.business_date', start) }}

),

-- the client-days' flags, from the client status alone (open: the day's open_day_count, 1 when the
-- account has a balance row)
client_days as (

    select
        s.business_date,
        s.branch_code,
        s.client_id,
        s.open_day_count > 0 as has_balance,
        s.is_churned,
        s.is_newly_churned,
        s.month_start_date
    from {{ ref('int_client_daily_status') }} as s
    where {{ since('s.business_date', start) }}

),

branch_months as (

    select
        branch_code,
        month_start_date,
        min(business_date) as first_landed_date,
        max(business_date) as last_landed_date,
        {{ count_bigint('distinct business_date') }} as landed_day_count,
        {{ sum_money('net_commission') }} as branch_net_commission
    from broker_days
    group by branch_code, month_start_date

),

sums as (

    select
        d.month_start_date,
        d.branch_code,
        d.attributed_broker_key as broker_key,
        {{ sum_money('d.net_commission') }} as net_commission,
        {{ sum_money('d.commission') }} as commission,
        {{ sum_money('d.turnover') }} as turnover,
        {{ sum_money('d.net_asset_inflow') }} as net_asset_inflow,
        {{ sum_money('d.net_cash_inflow') }} as net_cash_inflow,
        {{ sum_money('d.total_assets') }} as total_assets_day_sum,
        {{ sum_money('case when d.business_date = bm.last_landed_date then d.total_assets end') }}
            as month_end_aum,
        {{ sum_money('case when d.business_date = bm.last_landed_date then d.market_value end') }}
            as month_end_market_value,
        {{ sum_bigint('case when d.business_date = bm.last_landed_date then d.client_count else 0 end') }}
            as client_count
    from broker_days as d
    inner join branch_months as bm
        on bm.branch_code = d.branch_code and bm.month_start_date = d.month_start_date
    group by d.month_start_date, d.branch_code, d.attributed_broker_key

),

churned as (

    select
        a.month_start_date,
        a.branch_code,
        a.broker_key,
        {{ count_bigint('distinct a.client_id') }} as churned_client_count
    from attributions as a
    inner join client_days as d
        on d.business_date = a.business_date and d.branch_code = a.branch_code and d.client_id = a.client_id
    where d.is_newly_churned
    group by a.month_start_date, a.branch_code, a.broker_key

),

month_last_rows as (

    select
        client_id,
        month_start_date,
        has_balance,
        is_churned,
        row_number() over (partition by client_id, month_start_date order by business_date desc) as reverse_rank
    from client_days

),

-- the clients serviced on the branch's first landed day of the month, open that day. Read from the
-- tables, not from the month's CTEs above, and only the range of those days (`first_days`)
month_start_clients as (

    select bm.month_start_date, a.branch_code, a.broker_key, a.client_id
    from {{ ref('int_broker_attribution_daily') }} as a
    inner join branch_months as bm
        on bm.branch_code = a.branch_code and bm.first_landed_date = a.business_date
    inner join {{ ref('int_client_daily_status') }} as s
        on s.business_date = a.business_date and s.branch_code = a.branch_code and s.client_id = a.client_id
    where s.open_day_count > 0 and {{ since('a.business_date', start) }} and {{ since('s.business_date', start) }}
    {%- if first_days is not none and first_days[0] is not none %}
        and a.business_date between cast('{{ first_days[0] }}' as date) and cast('{{ first_days[1] }}' as date)
        and s.business_date between cast('{{ first_days[0] }}' as date) and cast('{{ first_days[1] }}' as date)
    {%- endif %}

),

retention as (

    select
        c.month_start_date,
        c.branch_code,
        c.broker_key,
        {{ count_bigint('distinct c.client_id') }} as start_client_count,
        {{ count_bigint("distinct case when l.has_balance and not l.is_churned then c.client_id end") }}
            as retained_client_count
    from month_start_clients as c
    left join month_last_rows as l
        on l.client_id = c.client_id and l.month_start_date = c.month_start_date and l.reverse_rank = 1
    group by c.month_start_date, c.branch_code, c.broker_key

),

new_accounts as (

    select distinct
        a.month_start_date,
        a.branch_code,
        a.client_id,
        a.business_date as open_date
    from attributions as a
    inner join {{ ref('fct_client_monthly') }} as m
        on m.client_id = a.client_id and m.month_start_date = a.month_start_date
    where a.is_opening_day and m.is_effective_at_month_end and {{ since('m.month_start_date', start) }}

),

developers as (

    select
        n.month_start_date,
        n.branch_code,
        coalesce(r.broker_id, {{ unassigned_broker_key('n.branch_code') }}) as broker_key,
        {{ count_bigint('distinct n.client_id') }} as new_effective_account_count
    from new_accounts as n
    left join {{ ref('int_client_broker_relations') }} as r
        on r.client_id = n.client_id
        and r.relation_type = '1'
        and n.open_date between r.start_date and r.open_until
    group by n.month_start_date, n.branch_code, coalesce(r.broker_id, {{ unassigned_broker_key('n.branch_code') }})

),

keys as (

    select month_start_date, branch_code, broker_key from sums
    union
    select month_start_date, branch_code, broker_key from developers

),

brokers as (select broker_key from {{ ref('dim_broker') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        {{ date_key('k.month_start_date') }} as month_key,
        k.month_start_date,
        bm.last_landed_date,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(dk.broker_key, '-1') as broker_key,
        k.branch_code,
        k.broker_key as attributed_broker_key,
        coalesce(s.month_end_aum, 0) as month_end_aum,
        coalesce(s.month_end_market_value, 0) as month_end_market_value,
        {{ average('coalesce(s.total_assets_day_sum, 0)', 'bm.landed_day_count') }}
            as daily_average_aum,
        coalesce(s.turnover, 0) as turnover,
        coalesce(s.commission, 0) as commission,
        coalesce(s.net_commission, 0) as net_commission,
        {{ ratio('coalesce(s.net_commission, 0)', 'bm.branch_net_commission') }} as contribution_rate,
        coalesce(s.net_cash_inflow, 0) as net_cash_inflow,
        coalesce(s.net_asset_inflow, 0) as net_asset_inflow,
        coalesce(s.client_count, 0) as client_count,
        coalesce(d.new_effective_account_count, 0) as new_effective_account_count,
        coalesce(c.churned_client_count, 0) as churned_client_count,
        coalesce(r.start_client_count, 0) as start_client_count,
        coalesce(r.retained_client_count, 0) as retained_client_count,
        {{ ratio('r.retained_client_count', 'r.start_client_count') }} as retention_rate
    from keys as k
    left join sums as s
        on s.month_start_date = k.month_start_date and s.branch_code = k.branch_code and s.broker_key = k.broker_key
    left join developers as d
        on d.month_start_date = k.month_start_date and d.branch_code = k.branch_code and d.broker_key = k.broker_key
    left join churned as c
        on c.month_start_date = k.month_start_date and c.branch_code = k.branch_code and c.broker_key = k.broker_key
    left join retention as r
        on r.month_start_date = k.month_start_date and r.branch_code = k.branch_code and r.broker_key = k.broker_key
    left join branch_months as bm
        on bm.month_start_date = k.month_start_date and bm.branch_code = k.branch_code
    left join brokers as dk on dk.broker_key = k.broker_key
    left join branches as b on b.branch_key = k.branch_code

)

select * from final
