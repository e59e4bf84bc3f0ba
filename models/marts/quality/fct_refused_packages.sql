-- Refused packages 拒收数据包: one row per refused package attempt and finding (the package stays in the
-- inbox): which rule refused it, in which file and row, and why.
with

refused as (

    select * from {{ ref('stg_lake__refused_packages') }}

),

branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        r.business_date,
        {{ date_key('r.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        r.package_branch as branch_code,
        r.revision,
        r.manifest_sha256,
        r.package_sha256,
        r.file_name,
        r.source_row,
        r.rule_id,
        r.detail
    from refused as r
    left join branches as b on b.branch_key = r.package_branch

)

select * from final
