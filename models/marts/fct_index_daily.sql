-- Index quotes 指数行情, one row per index and business date: close, daily return and the running sum
-- of ln(1 + return) so any period's index return (close to close) is exp(difference) - 1; the
-- benchmark of relative return 相对收益 is CSI 300 (the `indices` seed's is_benchmark).
with

quotes as (

    select * from {{ ref('stg_lake__index_quotes') }}

),

indices as (select * from {{ ref('indices') }}),

final as (

    select
        q.business_date,
        {{ date_key('q.business_date') }} as date_key,
        q.index_code,
        i.index_name_zh,
        coalesce(i.is_benchmark, false) as is_benchmark,
        q.prev_close_price,
        q.close_price,
        {{ ratio('q.close_price - q.prev_close_price', 'q.prev_close_price') }} as daily_return,
        cast(
            sum(ln(cast(q.close_price as double) / cast(nullif(q.prev_close_price, 0) as double))) over (
                partition by q.index_code order by q.business_date rows between unbounded preceding and current row
            )
            as double
        ) as cumulative_log_return
    from quotes as q
    left join indices as i on i.index_code = q.index_code

)

select * from final
