-- Client flow cube 客户流动月汇总: month x branch x tier. Clients, opened 新开户, closed 销户, churned
-- 流失 (churn episodes starting in the month), effective accounts 有效户 at month end, active 活跃
-- (a fill in the month), reactivated, net cash / asset inflow, from fct_client_monthly (branch and
-- tier of the client's last row of the month).
with

client_months as (

    select * from {{ ref('fct_client_monthly') }}

),

final as (

    select
        month_key,
        month_start_date,
        branch_key,
        branch_code,
        tier_key,
        {{ sum_bigint('client_count') }} as client_count,
        {{ sum_bigint("case when is_opened then 1 else 0 end") }} as opened_count,
        {{ sum_bigint("case when is_closed_in_month then 1 else 0 end") }} as closed_count,
        {{ sum_bigint("case when is_churned_in_month then 1 else 0 end") }} as churned_count,
        {{ sum_bigint("case when is_effective_at_month_end then 1 else 0 end") }} as effective_account_count,
        {{ sum_bigint("case when is_active then 1 else 0 end") }} as active_count,
        {{ sum_bigint("case when is_reactivated then 1 else 0 end") }} as reactivated_count,
        {{ sum_money('net_cash_inflow') }} as net_cash_inflow,
        {{ sum_money('net_asset_inflow') }} as net_asset_inflow,
        {{ sum_money('month_end_total_assets') }} as month_end_total_assets
    from client_months
    group by month_key, month_start_date, branch_key, branch_code, tier_key

)

select * from final
