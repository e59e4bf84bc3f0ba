{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Custody transfers 转托管 (securities flow 证券流量), one row per transfer, valued at that day's
-- close (suspended: latest close).
with

transfers as (

    select * from {{ ref('int_custody_transfers_valued') }}
    where {{ since('business_date', start) }}

),

clients as (select client_key from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),
securities as (select security_key from {{ ref('dim_security') }}),

final as (

    select
        {{ dbt.concat(["cast(t.business_date as " ~ dbt.type_string() ~ ")", "'/'", "t.branch_code", "'/'", "t.transfer_id"]) }} as custody_transfer_key,
        t.business_date,
        {{ date_key('t.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        coalesce(s.security_key, '-1') as security_key,
        t.branch_code,
        t.transfer_id,
        t.client_id,
        t.market,
        t.security_code,
        t.direction,
        t.qty,
        t.cost_amount,
        t.valuation_price,
        t.value_at_close,
        t.signed_value_at_close,
        t.source_row,
        t.dq_rules is not null as has_dq_issue
    from transfers as t
    left join clients as c on c.client_key = t.client_id
    left join branches as b on b.branch_key = t.branch_code
    left join securities as s on s.security_key = {{ security_key('t.market', 't.security_code') }}

)

select * from final
