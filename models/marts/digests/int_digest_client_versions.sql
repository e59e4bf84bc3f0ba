{{ config(schema='intermediate') }}
-- Client records 客户资料 as they were on each business date: every landed clients.csv row is valid
-- from its business date until the next row of the same client (exclusive). The reminders read a
-- client's risk level, birth date and close date as of the reminder's day, so re-running an old day
-- gives the same digest. Masked name only (PII stays in the lake).
with

records as (

    select
        *,
        row_number() over (
            partition by client_id, business_date order by source_row desc
        ) as same_day_rank
    from {{ ref('stg_lake__clients') }}

),

daily as (

    select * from records where same_day_rank = 1

),

final as (

    select
        client_id,
        branch_code,
        client_name_masked,
        client_type,
        gender,
        birth_date,
        open_date,
        close_date,
        status as client_status,
        risk_level,
        business_date as valid_from,
        coalesce(
            lead(business_date) over (partition by client_id order by business_date),
            cast('{{ var("end_of_time") }}' as date)
        ) as valid_to
    from daily

)

select * from final
