{{ config(materialized='view') }}
-- End-of-day positions valued at that day's valuation price (close; suspended: latest close;
-- unlisted IPO: IPO price): market value, unrealized P&L 浮动盈亏 and return, trapped flags 套牢.
-- A view, not a table: its readers (fct_positions_daily, int_client_daily, agg_holdings_daily) filter
-- it by the dates they rebuild, and a join of one day's positions with that day's prices costs less
-- than keeping a second copy of the largest table of the warehouse.
with

positions as (

    select * from {{ ref('stg_lake__positions') }}

),

prices as (

    select * from {{ ref('int_security_prices_daily') }}

),

valued as (

    select
        p.business_date,
        p.branch_code,
        p.client_id,
        p.market,
        p.security_code,
        p.qty,
        p.cost_amount,
        pr.valuation_price,
        pr.price_source,
        pr.is_limit_down,
        pr.is_limit_up,
        pr.is_suspended,
        {{ round_half_away('p.qty * pr.valuation_price', 2) }} as market_value,
        p.source_row,
        p.dq_rules
    from positions as p
    left join prices as pr
        on pr.business_date = p.business_date
        and pr.market = p.market
        and pr.security_code = p.security_code

),

final as (

    select
        *,
        cast(market_value - cost_amount as decimal(38, 2)) as unrealized_pnl,
        {{ ratio('market_value - cost_amount', 'cost_amount') }} as unrealized_return,
        coalesce(
            {{ ratio('market_value - cost_amount', 'cost_amount') }} <= {{ threshold('trapped_return') }},
            false
        ) as is_trapped,
        coalesce(
            {{ ratio('market_value - cost_amount', 'cost_amount') }} <= {{ threshold('deeply_trapped_return') }},
            false
        ) as is_deeply_trapped
    from valued

)

select * from final
