-- Data-quality events 数据质量事件: one row per contract rule a landed row (or package) breaks, by
-- branch-day, file and source row. The offending raw value stays in staging (it may be personal data).
with

events as (

    select * from {{ ref('stg_lake__dq_events') }}

),

branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        e.business_date,
        {{ date_key('e.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        e.package_branch as branch_code,
        e.file_name,
        e.source_row,
        e.rule_id,
        e.column_name,
        e.severity
    from events as e
    left join branches as b on b.branch_key = e.package_branch

)

select * from final
