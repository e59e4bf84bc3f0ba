{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
{#- measures of a client-day that are attributed to its brokers -#}
{% set attributed = [
    'cash_balance', 'market_value', 'total_assets', 'net_cash_inflow', 'net_asset_inflow',
    'daily_pnl', 'turnover', 'commission', 'trading_costs', 'net_commission'
] %}
-- Broker attribution 经纪人归属: one row per client-day and broker. A client-day is split among the
-- brokers of its servicing relations (relation_type 2) open that day (start_date <= d <= end_date) by
-- share_pct; a client-day with none goes whole to the `unassigned 无归属` broker of its branch.
--
-- Money is split by cumulative rounding: the first k brokers together get round(X x their cumulative
-- share, 2), so each broker's part is within a cent of X x share and the parts add up to X exactly
-- (the last broker's cumulative share is exactly 1). Broker totals therefore sum back to the client
-- and branch totals to the cent.
with

client_days as (

    select * from {{ ref('int_client_daily') }}
    where {{ since('business_date', start) }}

),

relations as (

    select * from {{ ref('int_client_broker_relations') }}
    where relation_type = '2'

),

open_relations as (

    select
        d.business_date,
        d.branch_code,
        d.client_id,
        r.broker_id,
        r.share_pct
    from client_days as d
    inner join relations as r
        on r.client_id = d.client_id
        and d.business_date between r.start_date and r.open_until

),

shares as (

    select
        business_date,
        branch_code,
        client_id,
        broker_id,
        share_pct,
        sum(share_pct) over (
            partition by business_date, branch_code, client_id
            order by broker_id rows between unbounded preceding and current row
        ) as cumulative_pct,
        sum(share_pct) over (partition by business_date, branch_code, client_id) as total_pct,
        row_number() over (
            partition by business_date, branch_code, client_id order by broker_id desc
        ) as reverse_rank
    from open_relations

),

assigned as (

    select
        business_date,
        branch_code,
        client_id,
        broker_id as broker_key,
        false as is_unassigned,
        cast(share_pct / 100 as decimal(18, 10)) as share,
        -- the last broker closes the cumulative share at exactly 1
        case
            when reverse_rank = 1 then cast(1 as decimal(18, 10))
            else cast({{ ratio('cumulative_pct', 'total_pct') }} as decimal(18, 10))
        end as cumulative_share_to,
        cast({{ ratio('cumulative_pct - share_pct', 'total_pct') }} as decimal(18, 10)) as cumulative_share_from
    from shares
    where total_pct > 0

),

unassigned as (

    select
        d.business_date,
        d.branch_code,
        d.client_id,
        {{ unassigned_broker_key('d.branch_code') }} as broker_key,
        true as is_unassigned,
        cast(1 as decimal(18, 10)) as share,
        cast(1 as decimal(18, 10)) as cumulative_share_to,
        cast(0 as decimal(18, 10)) as cumulative_share_from
    from client_days as d
    where not exists (
        select 1
        from assigned as a
        where a.business_date = d.business_date
            and a.branch_code = d.branch_code
            and a.client_id = d.client_id
    )

),

allocations as (

    select * from assigned
    union all
    select * from unassigned

),

final as (

    select
        a.business_date,
        a.branch_code,
        a.client_id,
        a.broker_key,
        a.is_unassigned,
        a.share,
        -- the broker's slice [from, to) of the client-day: other measures of the client-day (per fill,
        -- per order cell) are split with the same cumulative rounding and add up exactly
        a.cumulative_share_from,
        a.cumulative_share_to,
        d.is_effective_account,
        d.is_opening_day,
        {#- a client-day that goes whole to one broker (most of them) skips the rounding -#}
        {%- for measure in attributed %}
        cast(
            case
                when a.cumulative_share_from = 0 and a.cumulative_share_to = 1 then d.{{ measure }}
                else {{ round_half_away('d.' ~ measure ~ ' * a.cumulative_share_to', 2) }}
                    - {{ round_half_away('d.' ~ measure ~ ' * a.cumulative_share_from', 2) }}
            end
            as decimal(38, 2)
        ) as attributed_{{ measure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from allocations as a
    inner join client_days as d
        on d.business_date = a.business_date
        and d.branch_code = a.branch_code
        and d.client_id = a.client_id

)

select * from final
