-- The SSE trading calendar with, for every calendar day, the trading days before and after it and a
-- running trading-day number (used by dim_date and by the day-over-day measures).
with

calendar as (

    select
        cast(calendar_date as date) as calendar_date,
        cast(is_trading_day as boolean) as is_trading_day
    from {{ ref('trading_calendar') }}

),

final as (

    select
        calendar_date,
        is_trading_day,
        max(case when is_trading_day then calendar_date end) over (
            order by calendar_date rows between unbounded preceding and 1 preceding
        ) as prev_trading_day,
        min(case when is_trading_day then calendar_date end) over (
            order by calendar_date rows between 1 following and unbounded following
        ) as next_trading_day,
        cast(
            sum(case when is_trading_day then 1 else 0 end) over (
                order by calendar_date rows between unbounded preceding and current row
            ) as integer
        ) as trading_day_number
    from calendar

)

select * from final
