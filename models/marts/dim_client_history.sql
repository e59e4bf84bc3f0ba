{{ config(**client_incremental_config('client_id')) }}
{%- set start = changed_clients_from('valid_from') %}
-- Client dimension, type 2 客户维（历史）: one version per client and period in which its tracked
-- attributes (branch, status, close date, risk level, city, commission rate, type) stayed the same.
-- A version is valid from its first business date to the day before the next version (valid_to
-- inclusive; the current version runs to end_of_time). Personal data masked as in dim_client.
-- Incremental: the clients with records since the last build are rebuilt, every version of them
-- (macros/changed_clients.sql).
with

records as (

    select
        *,
        row_number() over (
            partition by client_id, business_date order by source_row desc
        ) as same_day_rank
    from {{ ref('stg_lake__clients') }}
    {%- if start is not none %}
    where client_id in (select client_id from {{ ref('stg_lake__clients') }} where {{ since('business_date', start) }})
    {%- endif %}

),

daily as (

    select
        *,
        {{ dbt.concat([
            "coalesce(branch_code, '')", "'|'", "coalesce(status, '')", "'|'",
            "coalesce(cast(close_date as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(risk_level, '')", "'|'", "coalesce(city, '')", "'|'",
            "coalesce(cast(commission_rate as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(client_type, '')"
        ]) }} as tracked
    from records
    where same_day_rank = 1

),

changes as (

    select
        *,
        lag(tracked) over (partition by client_id order by business_date) as previous_tracked
    from daily

),

versions as (

    select
        *,
        lead(business_date) over (partition by client_id order by business_date) as next_version_date
    from changes
    where previous_tracked is null or previous_tracked <> tracked

),

final as (

    select
        {{ dbt.concat(["client_id", "'/'", "cast(business_date as " ~ dbt.type_string() ~ ")"]) }} as client_version_key,
        client_id as client_key,
        client_id,
        client_name_masked,
        client_type,
        branch_code as branch_key,
        branch_code,
        status as client_status,
        open_date,
        close_date,
        risk_level,
        city,
        commission_rate,
        business_date as valid_from,
        coalesce(
            cast({{ dbt.dateadd('day', -1, 'next_version_date') }} as date),
            cast('{{ var("end_of_time") }}' as date)
        ) as valid_to,
        next_version_date is null as is_current
    from versions

)

select * from final
