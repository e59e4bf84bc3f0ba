{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Orders 委托, one row per order; all orders are final at end of day. Flags for the fill-to-order
-- ratio 成交委托比 and the cancel ratio 撤单率 (both over normal orders, biz_type 0).
with

orders as (

    select * from {{ ref('stg_lake__orders') }}
    where {{ since('business_date', start) }}

),

order_statuses as (select * from {{ ref('order_statuses') }}),
clients as (select client_key from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),
securities as (select security_key from {{ ref('dim_security') }}),
channels as (select channel_key from {{ ref('dim_channel') }}),

final as (

    select
        {{ dbt.concat(["cast(o.business_date as " ~ dbt.type_string() ~ ")", "'/'", "o.branch_code", "'/'", "o.order_id"]) }} as order_key,
        o.business_date,
        {{ date_key('o.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        coalesce(s.security_key, '-1') as security_key,
        coalesce(ch.channel_key, '-1') as channel_key,
        o.branch_code,
        o.order_id,
        o.client_id,
        o.market,
        o.security_code,
        o.side,
        o.biz_type,
        o.biz_type = '0' as is_normal,
        o.biz_type = '1' as is_ipo_subscription,
        o.status as order_status,
        o.order_price,
        o.order_qty,
        o.filled_qty,
        o.cancelled_qty,
        {{ round_half_away('o.order_price * o.order_qty', 2) }} as order_amount,
        o.filled_qty > 0 as is_filled,
        coalesce(st.is_cancelled, false) as is_cancelled,
        coalesce(st.is_rejected, false) as is_rejected,
        o.order_time,
        o.source_row,
        o.dq_rules is not null as has_dq_issue
    from orders as o
    left join order_statuses as st on st.order_status = o.status
    left join clients as c on c.client_key = o.client_id
    left join branches as b on b.branch_key = o.branch_code
    left join securities as s on s.security_key = {{ security_key('o.market', 'o.security_code') }}
    left join channels as ch on ch.channel_key = o.channel

)

select * from final
