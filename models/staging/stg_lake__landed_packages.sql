-- One row per landed branch-day (head office: package_branch HQ): the revision that is in the lake,
-- its manifest digest and encoding, rows per file, rule violations and quarantined rows.
{#- the lake's columns, read as no rows while nothing has landed yet -#}
{% set lake_columns = {
    'revision': 'bigint', 'manifest_sha256': 'varchar', 'encoding': 'varchar',
    'rows': 'struct(file varchar, "rows" bigint)[]', 'violations': 'struct("rule" varchar, events bigint)[]',
    'quarantined': 'bigint'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'landed_packages'), empty_columns=lake_columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(revision as bigint) as revision,
        cast(manifest_sha256 as {{ dbt.type_string() }}) as manifest_sha256,
        cast(encoding as {{ dbt.type_string() }}) as encoding,
        -- lists of {file, rows} and {rule, events}, as landing recorded them
        rows as file_rows,
        violations as rule_violations,
        cast(quarantined as bigint) as quarantined_rows
    from source

)

select * from renamed
