-- One row per refused package attempt (the package stays in the inbox): which rule refused it and
-- why. Landing writes this table only when a package is refused, so an empty lake reads as no rows.
{% set columns = {
    'revision': 'bigint', 'manifest_sha256': 'varchar', 'package_sha256': 'varchar', 'file': 'varchar',
    'source_row': 'bigint', 'rule': 'varchar', 'detail': 'varchar'
} %}
with

source as (

    select * from {{ read_lake(source('lake', 'refused_packages'), empty_columns=columns) }}

),

renamed as (

    select
        cast(business_date as date) as business_date,
        cast(branch as {{ dbt.type_string() }}) as package_branch,
        cast(revision as bigint) as revision,
        cast(manifest_sha256 as {{ dbt.type_string() }}) as manifest_sha256,
        cast(package_sha256 as {{ dbt.type_string() }}) as package_sha256,
        cast(file as {{ dbt.type_string() }}) as file_name,
        cast(source_row as bigint) as source_row,
        cast(rule as {{ dbt.type_string() }}) as rule_id,
        cast(detail as {{ dbt.type_string() }}) as detail
    from source

)

select * from renamed
