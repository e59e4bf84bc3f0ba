{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Cash flows 资金流水, one row per movement other than trade settlement: bank transfers in / out
-- 银证转账 (types 1, 2), dividends, interest and fees. amount is signed (positive raises cash).
with

cash_flows as (

    select * from {{ ref('stg_lake__cash_flows') }}
    where {{ since('business_date', start) }}

),

flow_types as (select * from {{ ref('cash_flow_types') }}),
clients as (select client_key from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        {{ dbt.concat(["cast(f.business_date as " ~ dbt.type_string() ~ ")", "'/'", "f.branch_code", "'/'", "f.flow_id"]) }} as cash_flow_key,
        f.business_date,
        {{ date_key('f.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        f.branch_code,
        f.flow_id,
        f.client_id,
        f.flow_type,
        t.flow_type_name_zh,
        t.flow_type_name_en,
        coalesce(t.is_bank_transfer, false) as is_bank_transfer,
        f.amount,
        cast(case when f.amount > 0 then f.amount else 0 end as decimal(18, 2)) as inflow_amount,
        cast(case when f.amount < 0 then -f.amount else 0 end as decimal(18, 2)) as outflow_amount,
        coalesce(t.is_bank_transfer, false)
            and abs(f.amount) >= {{ threshold('large_transfer_amount') }} as is_large_transfer,
        f.flow_time,
        f.source_row,
        f.dq_rules is not null as has_dq_issue
    from cash_flows as f
    left join flow_types as t on t.flow_type = f.flow_type
    left join clients as c on c.client_key = f.client_id
    left join branches as b on b.branch_key = f.branch_code

)

select * from final
