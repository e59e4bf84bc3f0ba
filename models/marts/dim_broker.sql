-- Brokers 经纪人 with their tree flattened (broker -> team lead -> ... -> branch head -> branch ->
-- region), one `unassigned 无归属` member per branch (clients without an open servicing relation fall
-- there) and the unknown member (-1).
with

hierarchy as (

    select * from {{ ref('int_broker_hierarchy') }}

),

branches as (

    select * from {{ ref('dim_branch') }}

),

brokers as (

    select
        h.broker_id as broker_key,
        h.broker_id,
        h.broker_name,
        h.broker_type,
        case h.broker_type when 'E' then '员工' when 'A' then '经纪人' end as broker_type_name_zh,
        case h.broker_type when 'E' then 'employee' when 'A' then 'agent' end as broker_type_name_en,
        h.broker_level,
        h.hire_date,
        h.leave_date,
        h.manager_id as team_lead_id,
        team_lead.broker_name as team_lead_name,
        h.branch_head_id,
        head.broker_name as branch_head_name,
        h.hierarchy_depth,
        h.level_1_broker_id,
        h.level_2_broker_id,
        h.level_3_broker_id,
        h.level_4_broker_id,
        h.level_5_broker_id,
        coalesce(b.branch_key, '-1') as branch_key,
        h.branch_code,
        b.branch_name,
        b.region_code,
        b.region_name,
        false as is_unassigned,
        false as is_unknown
    from hierarchy as h
    left join hierarchy as team_lead on team_lead.broker_id = h.manager_id
    left join hierarchy as head on head.broker_id = h.branch_head_id
    left join branches as b on b.branch_code = h.branch_code

),

-- the `unassigned 无归属` member of every branch, then the unknown member (-1)
placeholders as (

    select
        {{ unassigned_broker_key('branch_code') }} as broker_key,
        'unassigned 无归属' as broker_name,
        branch_key,
        branch_code,
        branch_name,
        region_code,
        region_name,
        true as is_unassigned,
        false as is_unknown
    from branches
    where branch_key <> '-1'

    union all

    select
        '-1' as broker_key,
        'unknown 未知' as broker_name,
        '-1' as branch_key,
        '-1' as branch_code,
        'unknown 未知' as branch_name,
        '-1' as region_code,
        'unknown 未知' as region_name,
        false as is_unassigned,
        true as is_unknown

),

placeholder_members as (

    select
        broker_key,
        cast(null as {{ dbt.type_string() }}) as broker_id,
        broker_name,
        cast(null as {{ dbt.type_string() }}) as broker_type,
        cast(null as {{ dbt.type_string() }}) as broker_type_name_zh,
        cast(null as {{ dbt.type_string() }}) as broker_type_name_en,
        cast(null as integer) as broker_level,
        cast(null as date) as hire_date,
        cast(null as date) as leave_date,
        cast(null as {{ dbt.type_string() }}) as team_lead_id,
        cast(null as {{ dbt.type_string() }}) as team_lead_name,
        cast(null as {{ dbt.type_string() }}) as branch_head_id,
        cast(null as {{ dbt.type_string() }}) as branch_head_name,
        cast(0 as integer) as hierarchy_depth,
        cast(null as {{ dbt.type_string() }}) as level_1_broker_id,
        cast(null as {{ dbt.type_string() }}) as level_2_broker_id,
        cast(null as {{ dbt.type_string() }}) as level_3_broker_id,
        cast(null as {{ dbt.type_string() }}) as level_4_broker_id,
        cast(null as {{ dbt.type_string() }}) as level_5_broker_id,
        branch_key,
        branch_code,
        branch_name,
        region_code,
        region_name,
        is_unassigned,
        is_unknown
    from placeholders

)

select * from brokers
union all
select * from placeholder_members
