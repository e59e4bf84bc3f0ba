-- The broker tree 经纪人树 flattened: for every broker its chain of managers up to the branch head
-- (the broker whose manager_id is empty). Levels are counted from the head (level 1 = branch head).
-- Fixed-depth self joins (the contract's levels are 1..5; depth 8 leaves room) keep it portable.
{% set max_depth = 8 %}
with

brokers as (

    select
        *,
        row_number() over (
            partition by broker_id order by business_date desc, source_row desc
        ) as recency
    from {{ ref('stg_lake__brokers') }}

),

current_brokers as (

    select
        broker_id,
        broker_name,
        branch_code,
        nullif(manager_id, '') as manager_id,
        broker_type,
        broker_level,
        hire_date,
        leave_date,
        business_date as as_of_date
    from brokers
    where recency = 1

),

chains as (

    select
        b.*,
        a0.broker_id as ancestor_0
        {%- for i in range(1, max_depth) %},
        a{{ i }}.broker_id as ancestor_{{ i }}
        {%- endfor %}
    from current_brokers as b
    left join current_brokers as a0 on a0.broker_id = b.broker_id
    {%- for i in range(1, max_depth) %}
    left join current_brokers as a{{ i }} on a{{ i }}.broker_id = a{{ i - 1 }}.manager_id
    {%- endfor %}

),

depths as (

    select
        *,
        -- number of brokers on the chain from this broker up to its head, this broker included
        (
            {%- for i in range(max_depth) %}
            case when ancestor_{{ i }} is not null then 1 else 0 end{{ ' +' if not loop.last }}
            {%- endfor %}
        ) as hierarchy_depth
    from chains

),

final as (

    select
        broker_id,
        broker_name,
        branch_code,
        manager_id,
        broker_type,
        broker_level,
        hire_date,
        leave_date,
        as_of_date,
        cast(hierarchy_depth as integer) as hierarchy_depth,
        -- the top of the chain: the branch head
        case hierarchy_depth
            {%- for i in range(1, max_depth + 1) %}
            when {{ i }} then ancestor_{{ i - 1 }}
            {%- endfor %}
        end as branch_head_id,
        -- level_n_broker_id: the chain from the head (level 1) down; below the broker's own level
        -- the broker itself is repeated so every level can be drilled into
        {%- for level in range(1, 6) %}
        case
            {%- for depth in range(1, max_depth + 1) %}
            when hierarchy_depth = {{ depth }} then ancestor_{{ [depth - level, 0] | max }}
            {%- endfor %}
        end as level_{{ level }}_broker_id{{ ',' if not loop.last }}
        {%- endfor %}
    from depths

)

select * from final
