-- The data-quality problems of a business date for the executive digest 数据质量: contract rules broken
-- by landed rows (dq_events, by package, file and rule, with one example), refused packages, rows
-- quarantined, and branches of the head-office list whose package did not land that day.
with

events as (

    select
        business_date,
        package_branch,
        file_name,
        rule_id,
        max(severity) as severity,
        {{ count_bigint() }} as problem_count,
        min(detail) as example
    from {{ ref('stg_lake__dq_events') }}
    group by business_date, package_branch, file_name, rule_id

),

refused as (

    select
        business_date,
        package_branch,
        file_name,
        rule_id,
        'refused' as severity,
        {{ count_bigint() }} as problem_count,
        min(detail) as example
    from {{ ref('stg_lake__refused_packages') }}
    group by business_date, package_branch, file_name, rule_id

),

quarantined as (

    select
        business_date,
        package_branch,
        cast(null as {{ dbt.type_string() }}) as file_name,
        'quarantined_rows' as rule_id,
        'error' as severity,
        cast(sum(quarantined_rows) as bigint) as problem_count,
        cast(null as {{ dbt.type_string() }}) as example
    from {{ ref('stg_lake__landed_packages') }}
    where quarantined_rows > 0
    group by business_date, package_branch

),

landed_days as (

    select distinct business_date from {{ ref('stg_lake__landed_packages') }}

),

missing as (

    select
        d.business_date,
        b.branch_code as package_branch,
        cast(null as {{ dbt.type_string() }}) as file_name,
        'package_missing' as rule_id,
        'error' as severity,
        cast(1 as bigint) as problem_count,
        cast(null as {{ dbt.type_string() }}) as example
    from landed_days as d
    cross join {{ ref('dim_branch') }} as b
    where b.branch_key <> '-1'
        and (b.open_date is null or b.open_date <= d.business_date)
        and not exists (
            select 1
            from {{ ref('stg_lake__landed_packages') }} as l
            where l.business_date = d.business_date and l.package_branch = b.branch_code
        )

),

final as (

    select
        business_date,
        {{ date_key('business_date') }} as date_key,
        package_branch,
        file_name,
        rule_id,
        severity,
        problem_count,
        example
    from (
        select * from events
        union all select * from refused
        union all select * from quarantined
        union all select * from missing
    ) as problems

)

select * from final
