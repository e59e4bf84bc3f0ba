-- Landed packages 落地数据包: one row per landed branch-day (head office: branch_code HQ), the revision
-- that is in the lake, its encoding, the rows landed over all files, the contract-rule violations and
-- the rows quarantined. The lake keeps rows per file and events per rule as lists: their totals come
-- from list_sum_field (macros/lists.sql, per adapter).
with

packages as (

    select * from {{ ref('stg_lake__landed_packages') }}

),

branches as (select branch_key from {{ ref('dim_branch') }}),

final as (

    select
        p.business_date,
        {{ date_key('p.business_date') }} as date_key,
        coalesce(b.branch_key, '-1') as branch_key,
        p.package_branch as branch_code,
        p.revision,
        p.manifest_sha256,
        p.encoding,
        {{ list_sum_field('p.file_rows', 'rows') }} as rows_total,
        {{ list_sum_field('p.rule_violations', 'events') }} as violations_total,
        cast(coalesce(p.quarantined_rows, 0) as bigint) as quarantined_rows
    from packages as p
    left join branches as b on b.branch_key = p.package_branch

)

select * from final
