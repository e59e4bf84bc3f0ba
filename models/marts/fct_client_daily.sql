-- Client-day 客户日, one row per client and business date it appears in its branch's package:
-- cash, market value, total assets, net cash / asset inflow, daily P&L and return, trading and the
-- daily flags (effective account, trapped client). See int_client_daily for the definitions.
with

client_days as (

    select * from {{ ref('int_client_daily') }}

),

clients as (select client_key from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        {{ date_key('d.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        d.*
    from client_days as d
    left join clients as c on c.client_key = d.client_id
    left join branches as b on b.branch_key = d.branch_code

)

select * from final
