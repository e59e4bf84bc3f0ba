{#- the lake's columns, read as no rows while landing has not written this table yet -#}
{% set lake_columns = {
    'client_id': 'varchar', 'broker_id': 'varchar', 'relation_type': 'varchar',
    'share_pct': 'decimal(9, 4)', 'start_date': 'date', 'end_date': 'date', 'source_row': 'bigint',
    'dq_rules': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'client_brokers'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(client_id as {{ dbt.type_string() }}) as client_id,
        cast(broker_id as {{ dbt.type_string() }}) as broker_id,
        cast(relation_type as {{ dbt.type_string() }}) as relation_type,
        cast(share_pct as decimal(9, 4)) as share_pct,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(source_row as bigint) as source_row,
        dq_rules
    from source

)

select * from renamed
