{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- The branch's day for the branch-head and executive digests 营业部日报: agg_branch_daily's turnover,
-- net commission, net asset inflow and assets, plus the client flow of the day: new clients (opened),
-- closed clients (closing first recorded that day), newly churned clients (closed, or a churn episode
-- starting by assets: fct_client_daily's is_newly_churned of a client not closed, the churned event of
-- fct_client_events) and new churn warnings (the churn_warning reminders: the shared warning set that
-- day and not on the client's previous row), and the count of reminders raised. No names: a branch's
-- current name is dim_branch's (a renamed branch's earlier days, built before, would keep the old one).
with

branch_days as (

    select * from {{ ref('agg_branch_daily') }}
    where {{ since('business_date', start) }}

),

churn as (

    select
        business_date,
        branch_code,
        {{ sum_bigint('case when is_newly_churned and not is_closed then 1 else 0 end') }} as churned_by_assets_count
    from {{ ref('fct_client_daily') }}
    where {{ since('business_date', start) }}
    group by business_date, branch_code

),

reminders as (

    select
        business_date,
        branch_code,
        {{ count_bigint('distinct case when reminder_kind = \'account_closed\' then client_id end') }}
            as closed_client_count,
        {{ count_bigint('distinct case when reminder_kind = \'churn_warning\' then client_id end') }}
            as churn_warning_count,
        {{ count_bigint('distinct reminder_key') }} as reminder_count,
        {{ count_bigint('distinct case when is_unassigned then reminder_key end') }} as unassigned_reminder_count
    from {{ ref('fct_broker_reminders') }}
    where {{ since('business_date', start) }}
    group by business_date, branch_code

),

final as (

    select
        b.business_date,
        b.date_key,
        b.branch_key,
        b.branch_code,
        b.region_code,
        b.client_count,
        b.effective_account_count,
        b.trading_client_count,
        b.trapped_client_count,
        b.total_assets,
        b.market_value,
        b.net_cash_inflow,
        b.net_asset_inflow,
        b.turnover,
        b.commission,
        b.net_commission,
        b.net_commission_rate,
        b.daily_pnl,
        b.new_client_count,
        coalesce(r.closed_client_count, 0) as closed_client_count,
        coalesce(r.closed_client_count, 0) + coalesce(c.churned_by_assets_count, 0) as churned_client_count,
        coalesce(r.churn_warning_count, 0) as churn_warning_count,
        coalesce(r.reminder_count, 0) as reminder_count,
        coalesce(r.unassigned_reminder_count, 0) as unassigned_reminder_count
    from branch_days as b
    left join churn as c on c.business_date = b.business_date and c.branch_code = b.branch_code
    left join reminders as r on r.business_date = b.business_date and r.branch_code = b.branch_code

)

select * from final
