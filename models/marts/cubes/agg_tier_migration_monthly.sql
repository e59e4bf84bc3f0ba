-- Tier migration 分级迁移: month x branch x (tier last month -> tier this month), clients per pair.
-- -1 is an unknown tier (the month before was not landed).
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
        previous_tier_key as from_tier_key,
        tier_key as to_tier_key,
        previous_tier_key <> tier_key as is_changed,
        {{ sum_bigint('client_count') }} as client_count
    from client_months
    group by month_key, month_start_date, branch_key, branch_code, previous_tier_key, tier_key

)

select * from final
