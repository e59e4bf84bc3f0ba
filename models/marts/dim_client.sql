{{ config(**client_incremental_config('client_key')) }}
{%- set start = changed_clients_from('record_date') %}
-- Clients 客户, current record (the latest business date's row wins), with personal data masked
-- (name 张**, mobile 138****1234; the ID number never leaves the lake), plus the unknown member.
-- branch_code is the branch whose package carried the latest record.
-- Incremental: the clients with records since the last build are rebuilt (macros/changed_clients.sql).
with

clients as (

    select
        *,
        row_number() over (
            partition by client_id order by business_date desc, source_row desc
        ) as recency,
        min(business_date) over (partition by client_id) as first_landed_date
    from {{ ref('stg_lake__clients') }}
    {%- if start is not none %}
    where client_id in (select client_id from {{ ref('stg_lake__clients') }} where {{ since('business_date', start) }})
    {%- endif %}

),

client_types as (

    select * from {{ ref('client_types') }}

),

client_statuses as (

    select * from {{ ref('client_statuses') }}

),

final as (

    select
        c.client_id as client_key,
        c.client_id,
        c.client_name_masked,
        c.mobile_masked,
        c.client_type,
        ct.client_type_name_zh,
        ct.client_type_name_en,
        c.id_type,
        c.gender,
        c.birth_date,
        c.open_date,
        c.close_date,
        c.status as client_status,
        cs.client_status_name_zh,
        cs.client_status_name_en,
        coalesce(cs.is_closed, false) or c.close_date is not null as is_closed,
        c.risk_level,
        c.city,
        c.commission_rate,
        c.branch_code as branch_key,
        c.branch_code,
        c.first_landed_date,
        c.business_date as record_date,
        false as is_unknown
    from clients as c
    left join client_types as ct on ct.client_type = c.client_type
    left join client_statuses as cs on cs.client_status = c.status
    where c.recency = 1

),

unknown_member as (

    select
        '-1' as client_key,
        '-1' as client_id,
        'unknown 未知' as client_name_masked,
        cast(null as {{ dbt.type_string() }}) as mobile_masked,
        cast(null as {{ dbt.type_string() }}) as client_type,
        cast(null as {{ dbt.type_string() }}) as client_type_name_zh,
        cast(null as {{ dbt.type_string() }}) as client_type_name_en,
        cast(null as {{ dbt.type_string() }}) as id_type,
        cast(null as {{ dbt.type_string() }}) as gender,
        cast(null as date) as birth_date,
        cast(null as date) as open_date,
        cast(null as date) as close_date,
        cast(null as {{ dbt.type_string() }}) as client_status,
        cast(null as {{ dbt.type_string() }}) as client_status_name_zh,
        cast(null as {{ dbt.type_string() }}) as client_status_name_en,
        false as is_closed,
        cast(null as {{ dbt.type_string() }}) as risk_level,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as decimal(18, 8)) as commission_rate,
        '-1' as branch_key,
        '-1' as branch_code,
        cast(null as date) as first_landed_date,
        cast(null as date) as record_date,
        true as is_unknown

)

select * from final
{%- if start is none %}
union all
select * from unknown_member
{%- endif %}
