{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Positions 持仓, one row per client, security and business date: market value at close (suspended:
-- latest close; unlisted IPO: IPO price), unrealized P&L 浮动盈亏 and return, trapped flags 套牢.
with

positions as (

    select * from {{ ref('int_positions_valued') }}
    where {{ since('business_date', start) }}

),

clients as (select client_key from {{ ref('dim_client') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),
securities as (select security_key from {{ ref('dim_security') }}),

final as (

    select
        p.business_date,
        {{ date_key('p.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(c.client_key, '-1') as client_key,
        coalesce(s.security_key, '-1') as security_key,
        p.branch_code,
        p.client_id,
        p.market,
        p.security_code,
        p.qty,
        p.cost_amount,
        p.valuation_price,
        p.price_source,
        p.market_value,
        p.unrealized_pnl,
        p.unrealized_return,
        p.is_trapped,
        p.is_deeply_trapped,
        p.is_limit_down,
        p.is_limit_up,
        p.is_suspended,
        p.source_row,
        p.dq_rules is not null as has_dq_issue
    from positions as p
    left join clients as c on c.client_key = p.client_id
    left join branches as b on b.branch_key = p.branch_code
    left join securities as s on s.security_key = {{ security_key('p.market', 'p.security_code') }}

)

select * from final
