{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Valuation price of every security on every business date it is quoted, held or transferred:
-- that day's close; a suspended or unquoted security keeps its latest close; a security allotted in
-- an IPO but not listed yet is valued at its IPO price (the allotment's price). Also flags limit-up /
-- limit-down closes 涨停 / 跌停 against the board's price limit.
with

quotes as (

    select * from {{ ref('stg_lake__quotes') }}
    where {{ since('business_date', start) }}

),

-- the last valuation of every security before the rebuilt dates (none on a full build)
prior as (

    {%- if start is none %}
    select
        cast(null as {{ dbt.type_string() }}) as market,
        cast(null as {{ dbt.type_string() }}) as security_code,
        cast(null as decimal(18, 3)) as last_close_price,
        cast(null as decimal(18, 3)) as last_ipo_price
    where 1 = 0
    {%- else %}
    select
        market,
        security_code,
        case when price_source in ('close', 'latest_close') then valuation_price end as last_close_price,
        case when price_source = 'ipo_price' then valuation_price end as last_ipo_price
    from (
        select
            market,
            security_code,
            valuation_price,
            price_source,
            row_number() over (partition by market, security_code order by business_date desc) as recency
        from {{ this }}
        where {{ before('business_date', start) }}
    ) as built
    where recency = 1
    {%- endif %}

),

securities as (

    select
        market,
        security_code,
        board,
        row_number() over (
            partition by market, security_code order by business_date desc, source_row desc
        ) as recency
    from {{ ref('stg_lake__securities') }}

),

boards as (

    select * from {{ ref('boards') }}

),

ipo_allotments as (

    select
        business_date,
        market,
        security_code,
        max(price) as ipo_price
    from {{ ref('stg_lake__trades') }}
    where biz_type = '1' and {{ since('business_date', start) }}
    group by business_date, market, security_code

),

security_dates as (

    select business_date, market, security_code from quotes
    union
    select business_date, market, security_code from {{ ref('stg_lake__positions') }}
    where {{ since('business_date', start) }}
    union
    select business_date, market, security_code from {{ ref('stg_lake__custody_transfers') }}
    where {{ since('business_date', start) }}
    union
    select business_date, market, security_code from ipo_allotments

),

located as (

    select
        d.business_date,
        d.market,
        d.security_code,
        q.prev_close_price,
        q.close_price,
        q.volume,
        max(case when q.close_price is not null then d.business_date end) over (
            partition by d.market, d.security_code
            order by d.business_date
            rows between unbounded preceding and current row
        ) as last_quote_date,
        max(case when i.ipo_price is not null then d.business_date end) over (
            partition by d.market, d.security_code
            order by d.business_date
            rows between unbounded preceding and current row
        ) as last_allotment_date
    from security_dates as d
    left join quotes as q
        on q.business_date = d.business_date
        and q.market = d.market
        and q.security_code = d.security_code
    left join ipo_allotments as i
        on i.business_date = d.business_date
        and i.market = d.market
        and i.security_code = d.security_code

),

priced as (

    select
        l.business_date,
        l.market,
        l.security_code,
        l.prev_close_price,
        l.close_price,
        l.volume,
        l.last_quote_date,
        coalesce(
            latest_quote.close_price, prior.last_close_price, allotment.ipo_price, prior.last_ipo_price
        ) as valuation_price,
        case
            when l.close_price is not null then 'close'
            when latest_quote.close_price is not null or prior.last_close_price is not null then 'latest_close'
            when allotment.ipo_price is not null or prior.last_ipo_price is not null then 'ipo_price'
        end as price_source,
        b.price_limit_pct
    from located as l
    left join quotes as latest_quote
        on latest_quote.business_date = l.last_quote_date
        and latest_quote.market = l.market
        and latest_quote.security_code = l.security_code
    left join ipo_allotments as allotment
        on allotment.business_date = l.last_allotment_date
        and allotment.market = l.market
        and allotment.security_code = l.security_code
    left join prior
        on prior.market = l.market and prior.security_code = l.security_code
    left join securities as s
        on s.market = l.market and s.security_code = l.security_code and s.recency = 1
    left join boards as b on b.board_code = s.board

),

final as (

    select
        business_date,
        market,
        security_code,
        cast(valuation_price as decimal(18, 3)) as valuation_price,
        price_source,
        close_price,
        prev_close_price,
        volume,
        coalesce(volume = 0, false) as is_suspended,
        coalesce(
            close_price <= {{ round_half_away('prev_close_price * (100 - price_limit_pct) * 0.01', 2) }},
            false
        ) as is_limit_down,
        coalesce(
            close_price >= {{ round_half_away('prev_close_price * (100 + price_limit_pct) * 0.01', 2) }},
            false
        ) as is_limit_up
    from priced

)

select * from final
