-- PII: id_no is never selected; client_name and mobile leave the lake only masked.
{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'client_id': 'varchar', 'client_name': 'varchar', 'client_type': 'varchar',
    'id_type': 'varchar', 'id_no': 'varchar', 'mobile': 'varchar', 'gender': 'varchar',
    'birth_date': 'date', 'open_date': 'date', 'close_date': 'date', 'status': 'varchar',
    'risk_level': 'varchar', 'city': 'varchar', 'commission_rate': 'decimal(18, 8)',
    'source_row': 'bigint', 'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'clients'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as branch_code,
        cast(client_id as {{ dbt.type_string() }}) as client_id,
        {{ mask_name('client_name') }} as client_name_masked,
        cast(client_type as {{ dbt.type_string() }}) as client_type,
        cast(id_type as {{ dbt.type_string() }}) as id_type,
        {{ mask_mobile('mobile') }} as mobile_masked,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(birth_date as date) as birth_date,
        cast(open_date as date) as open_date,
        cast(close_date as date) as close_date,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(risk_level as {{ dbt.type_string() }}) as risk_level,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(commission_rate as decimal(18, 8)) as commission_rate,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
