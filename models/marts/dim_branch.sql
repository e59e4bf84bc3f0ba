-- Branches 营业部 with their region 分公司, as of the latest head-office list, plus the unknown member.
with

branches as (

    select * from {{ ref('stg_lake__branches') }}

),

latest as (

    select
        *,
        row_number() over (
            partition by branch_code order by business_date desc, source_row desc
        ) as recency
    from branches

),

final as (

    select
        branch_code as branch_key,
        branch_code,
        branch_name,
        region_code,
        region_name,
        city,
        open_date,
        business_date as as_of_date
    from latest
    where recency = 1

),

unknown_member as (

    select
        '-1' as branch_key,
        '-1' as branch_code,
        'unknown 未知' as branch_name,
        '-1' as region_code,
        'unknown 未知' as region_name,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as date) as open_date,
        cast(null as date) as as_of_date

)

select * from final
union all
select * from unknown_member
