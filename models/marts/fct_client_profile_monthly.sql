{{ config(**daily_incremental_config('month_start_date', frontier={'column': 'last_landed_date'}, staged=true)) }}
{#- Incremental like fct_client_monthly: the months from the month of `build_from` (read from
    last_landed_date) are replaced (a month's profile is as of its last landed day). A daily build
    extends the month: a client's month-end broker and inactive flag are read from the new days when its
    last landed day is one of them, else kept from its row built before, so a day reads one day of
    client-days and attributions, not the month's. The month's orders and custody transfers are summed
    from the month's first day. -#}
{%- set start = build_from() %}
{%- set month = none if start is none else start[:8] ~ '01' %}
{%- set extends = extends_month(start) %}
{%- set read_start = start if extends else month %}
{%- set as_of = 'm.last_landed_date' %}
{%- set full_years_since = "extract(year from " ~ as_of ~ ") - extract(year from {d}) - case when extract(month from " ~ as_of ~ ") * 100 + extract(day from " ~ as_of ~ ") < extract(month from {d}) * 100 + extract(day from {d}) then 1 else 0 end" %}
with

client_months as (

    select month_key, month_start_date, branch_key, client_key, branch_code, client_id, last_landed_date
    from {{ ref('fct_client_monthly') }}
    where {{ since('month_start_date', month) }}

),

month_end_days as (

    select d.client_id, d.month_start_date, d.is_inactive
    from {{ ref('fct_client_daily') }} as d
    inner join client_months as m
        on m.client_id = d.client_id
        and m.last_landed_date = d.business_date
        and m.branch_code = d.branch_code
    where {{ since('d.business_date', read_start) }}

),

month_end_brokers as (

    select
        m.client_id,
        m.month_start_date,
        a.broker_key as attributed_broker_key,
        row_number() over (
            partition by m.client_id, m.month_start_date order by a.share desc, a.broker_key
        ) as share_rank
    from {{ ref('int_broker_attribution_daily') }} as a
    inner join client_months as m
        on m.client_id = a.client_id
        and m.last_landed_date = a.business_date
        and m.branch_code = a.branch_code
    where {{ since('a.business_date', read_start) }}

),

channel_orders as (

    select
        o.client_id,
        dd.month_start_date,
        o.channel_key,
        {{ count_bigint() }} as order_count
    from {{ ref('fct_orders') }} as o
    inner join {{ ref('dim_date') }} as dd on dd.date_day = o.business_date
    where {{ since('o.business_date', month) }}
    group by o.client_id, dd.month_start_date, o.channel_key

),

preferred_channels as (

    select
        client_id,
        month_start_date,
        channel_key,
        order_count,
        row_number() over (
            partition by client_id, month_start_date order by order_count desc, channel_key
        ) as order_rank
    from channel_orders

),

custody as (

    select
        t.client_id,
        dd.month_start_date,
        {{ sum_bigint("case when t.direction = 'I' then 1 else 0 end") }} as custody_in_count,
        {{ sum_bigint("case when t.direction = 'O' then 1 else 0 end") }} as custody_out_count,
        {{ sum_money("case when t.direction = 'I' then t.value_at_close else 0 end") }} as custody_in_value,
        {{ sum_money("case when t.direction = 'O' then t.value_at_close else 0 end") }} as custody_out_value
    from {{ ref('fct_custody_transfers') }} as t
    inner join {{ ref('dim_date') }} as dd on dd.date_day = t.business_date
    where {{ since('t.business_date', month) }}
    group by t.client_id, dd.month_start_date

),

{%- if extends %}

-- the month so far: each client's month-end values as built before
built as (

    select client_id, month_start_date, attributed_broker_key, is_inactive_at_month_end
    from {{ this }}
    where month_start_date = cast('{{ month }}' as date)

),
{%- endif %}

-- each client-month's month-end broker and inactive flag: from its last landed day, read from the
-- new days or (extending, a last landed day before them) kept from the row built before
month_ends as (

    select
        a.client_id,
        a.month_start_date,
        {%- if extends %}
        case when {{ before('a.last_landed_date', read_start) }} then p.attributed_broker_key else b.attributed_broker_key end
            as attributed_broker_key,
        case when {{ before('a.last_landed_date', read_start) }} then p.is_inactive_at_month_end else e.is_inactive end
            as is_inactive_at_month_end
        {%- else %}
        b.attributed_broker_key,
        e.is_inactive as is_inactive_at_month_end
        {%- endif %}
    from client_months as a
    left join month_end_brokers as b
        on b.client_id = a.client_id and b.month_start_date = a.month_start_date and b.share_rank = 1
    left join month_end_days as e on e.client_id = a.client_id and e.month_start_date = a.month_start_date
    {%- if extends %}
    left join built as p on p.client_id = a.client_id and p.month_start_date = a.month_start_date
    {%- endif %}

),

clients as (select client_key, birth_date, open_date from {{ ref('dim_client') }}),
brokers as (select broker_key from {{ ref('dim_broker') }}),
channels as (select channel_key from {{ ref('dim_channel') }}),
bands as (select * from {{ ref('client_bands') }}),

aged as (

    select
        m.*,
        cast({{ full_years_since.replace('{d}', 'c.birth_date') }} as integer) as age_years,
        cast({{ full_years_since.replace('{d}', 'c.open_date') }} as integer) as tenure_years
    from client_months as m
    left join clients as c on c.client_key = m.client_id

),

final as (

    select
        a.month_key,
        a.month_start_date,
        a.branch_key,
        a.client_key,
        coalesce(k.broker_key, '-1') as broker_key,
        coalesce(ch.channel_key, '-1') as channel_key,
        a.branch_code,
        a.client_id,
        a.last_landed_date,
        b.attributed_broker_key,
        p.channel_key as preferred_channel_code,
        coalesce(p.order_count, 0) as preferred_channel_order_count,
        a.age_years,
        coalesce(ab.band_code, '-1') as age_band_code,
        a.tenure_years,
        coalesce(tb.band_code, '-1') as tenure_band_code,
        coalesce(b.is_inactive_at_month_end, false) as is_inactive_at_month_end,
        coalesce(t.custody_in_count, 0) as custody_in_count,
        coalesce(t.custody_out_count, 0) as custody_out_count,
        cast(coalesce(t.custody_in_value, 0) as decimal(38, 2)) as custody_in_value,
        cast(coalesce(t.custody_out_value, 0) as decimal(38, 2)) as custody_out_value
    from aged as a
    inner join month_ends as b on b.client_id = a.client_id and b.month_start_date = a.month_start_date
    left join preferred_channels as p
        on p.client_id = a.client_id and p.month_start_date = a.month_start_date and p.order_rank = 1
    left join custody as t on t.client_id = a.client_id and t.month_start_date = a.month_start_date
    left join brokers as k on k.broker_key = b.attributed_broker_key
    left join channels as ch on ch.channel_key = p.channel_key
    left join bands as ab
        on ab.band_type = 'age'
        and a.age_years >= ab.min_years
        and (ab.max_years is null or a.age_years < ab.max_years)
    left join bands as tb
        on tb.band_type = 'tenure'
        and a.tenure_years >= tb.min_years
        and (tb.max_years is null or a.tenure_years < tb.max_years)

)

select * from final
