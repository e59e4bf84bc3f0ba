{{ config(**daily_incremental_config('first_landed_date', frontier={'column': 'first_landed_date'})) }}
{%- set start = build_from() %}
-- One row per client: the first business date on which the client appears in its branch's package
-- (the first row of int_client_daily, which reads a client's first landed day from here).
-- Kept per client so that a daily build finds the first landed day of the clients it has not seen on
-- the previous day (new ones, or back after a gap) without reading every earlier client-day. A build
-- adds the clients first seen from `start` on (the day after the last client added: after a day
-- without a new client it reads that day again); a build from a corrected day first deletes the
-- clients first seen from that day on, then finds them again in the days it reads.
with

{%- for name, model in [
    ('balances', 'stg_lake__balances'),
    ('positions', 'stg_lake__positions'),
    ('cash_flows', 'stg_lake__cash_flows'),
    ('transfers', 'stg_lake__custody_transfers'),
    ('fills', 'stg_lake__trades'),
    ('orders', 'stg_lake__orders'),
] %}

{{ name }} as (

    select business_date, branch_code, client_id from {{ ref(model) }}
    where {{ since('business_date', start) }}

),
{%- endfor %}

client_days as (
{{ client_days_of(['balances', 'positions', 'cash_flows', 'transfers', 'fills', 'orders']) }}

),

-- the clients first seen before `start` (none on a full build)
built as (

    {%- if start is none %}
    select cast(null as {{ dbt.type_string() }}) as client_id
    where 1 = 0
    {%- else %}
    select client_id from {{ this }}
    where {{ before('first_landed_date', start) }}
    {%- endif %}

),

final as (

    select
        d.client_id,
        min(d.business_date) as first_landed_date
    from client_days as d
    left join built as b on b.client_id = d.client_id
    where b.client_id is null
    group by d.client_id

)

select * from final
