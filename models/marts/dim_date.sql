-- Calendar dimension from the SSE trading calendar seed, one row per calendar day, plus the
-- unknown member (date_key -1). prev/next trading day let facts compare a day with the trading day
-- before it even across holidays.
with

calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

final as (

    select
        {{ date_key('calendar_date') }} as date_key,
        calendar_date as date_day,
        is_trading_day,
        prev_trading_day,
        next_trading_day,
        -- running number of trading days (a non-trading day repeats the previous trading day's)
        trading_day_number,
        cast({{ iso_day_of_week('calendar_date') }} as integer) as iso_day_of_week,
        cast({{ dbt.date_trunc('week', 'calendar_date') }} as date) as week_start_date,
        cast({{ dbt.date_trunc('month', 'calendar_date') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('quarter', 'calendar_date') }} as date) as quarter_start_date,
        cast({{ dbt.date_trunc('year', 'calendar_date') }} as date) as year_start_date,
        cast(extract(month from calendar_date) as integer) as month_of_year,
        cast(extract(quarter from calendar_date) as integer) as quarter_of_year,
        cast(extract(year from calendar_date) as integer) as calendar_year,
        -- last trading day of its month / year (month-end and year-end snapshots)
        coalesce(
            is_trading_day and (
                next_trading_day is null
                or {{ dbt.date_trunc('month', 'next_trading_day') }} <> {{ dbt.date_trunc('month', 'calendar_date') }}
            ),
            false
        ) as is_month_last_trading_day,
        coalesce(
            is_trading_day and (
                next_trading_day is null
                or extract(year from next_trading_day) <> extract(year from calendar_date)
            ),
            false
        ) as is_year_last_trading_day
    from calendar

),

unknown_member as (

    select
        cast(-1 as integer) as date_key,
        cast(null as date) as date_day,
        false as is_trading_day,
        cast(null as date) as prev_trading_day,
        cast(null as date) as next_trading_day,
        cast(null as integer) as trading_day_number,
        cast(null as integer) as iso_day_of_week,
        cast(null as date) as week_start_date,
        cast(null as date) as month_start_date,
        cast(null as date) as quarter_start_date,
        cast(null as date) as year_start_date,
        cast(null as integer) as month_of_year,
        cast(null as integer) as quarter_of_year,
        cast(null as integer) as calendar_year,
        false as is_month_last_trading_day,
        false as is_year_last_trading_day

)

select * from final
union all
select * from unknown_member
