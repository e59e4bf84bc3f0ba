{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Hot stocks 热门股 building blocks: date x branch x security. Own clients' turnover (buys + sells),
-- fills and distinct trading clients, with the security's rank in its branch and in the company by
-- turnover and by trading clients (rank 1 = hottest; ties share a rank). A client belongs to one
-- branch a day, so trading clients add up across branches to the company.
with

fills as (

    select * from {{ ref('int_fills_with_fees') }}
    where {{ since('business_date', start) }}

),

aggregated as (

    select
        business_date,
        branch_code,
        market,
        security_code,
        {{ sum_money('amount') }} as turnover,
        {{ sum_money('buy_amount') }} as buy_amount,
        {{ sum_money('sell_amount') }} as sell_amount,
        {{ sum_bigint('qty') }} as qty,
        {{ count_bigint() }} as fill_count,
        {{ count_bigint('distinct client_id') }} as trading_client_count,
        {{ count_bigint("distinct case when side = 'B' then client_id end") }} as buying_client_count,
        {{ count_bigint("distinct case when side = 'S' then client_id end") }} as selling_client_count
    from fills
    group by business_date, branch_code, market, security_code

),

company as (

    select
        business_date,
        market,
        security_code,
        sum(turnover) as company_turnover,
        sum(trading_client_count) as company_trading_client_count
    from aggregated
    group by business_date, market, security_code

),

company_ranks as (

    select
        *,
        rank() over (partition by business_date order by company_turnover desc) as company_turnover_rank,
        rank() over (partition by business_date order by company_trading_client_count desc)
            as company_trader_rank
    from company

),

securities as (select security_key from {{ ref('dim_security') }}),
branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        a.business_date,
        {{ date_key('a.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        coalesce(s.security_key, '-1') as security_key,
        a.branch_code,
        a.market,
        a.security_code,
        a.turnover,
        a.buy_amount,
        a.sell_amount,
        a.qty,
        a.fill_count,
        a.trading_client_count,
        a.buying_client_count,
        a.selling_client_count,
        cast(rank() over (partition by a.business_date, a.branch_code order by a.turnover desc) as bigint)
            as branch_turnover_rank,
        cast(rank() over (partition by a.business_date, a.branch_code order by a.trading_client_count desc) as bigint)
            as branch_trader_rank,
        cast(c.company_turnover_rank as bigint) as company_turnover_rank,
        cast(c.company_trader_rank as bigint) as company_trader_rank
    from aggregated as a
    inner join company_ranks as c
        on c.business_date = a.business_date and c.market = a.market and c.security_code = a.security_code
    left join securities as s on s.security_key = {{ security_key('a.market', 'a.security_code') }}
    left join branches as b on b.branch_key = a.branch_code

)

select * from final
