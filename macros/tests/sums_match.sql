{#-
    The model's `columns`, summed by `group_by`, equal the same columns of `parent` (one row per
    `group_by`) exactly: an allocated or drilled-down cube adds back up to its parent's totals.
    A group missing on one side counts as zeros (a branch-day without clients has no broker rows).
    aggregate_parent: the parent is finer than group_by (a daily fact for a monthly cube): sum it too.
    In a daily build both sides read the same rebuilt dates (macros/tests/test_window.sql).
-#}
{% test sums_match(model, parent, group_by, columns, aggregate_parent=false) %}
{%- set window = shared_test_window(model, parent) %}

with

child as (

    select
        {{ group_by | join(', ') }},
        {%- for column in columns %}
        cast(sum({{ column }}) as decimal(38, 2)) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
    where {{ window_filter(window.model if window else none, window) }}
    group by {{ group_by | join(', ') }}

),

parent as (

    select
        {{ group_by | join(', ') }},
        {%- for column in columns %}
        {%- if aggregate_parent %}
        cast(sum({{ column }}) as decimal(38, 2)) as {{ column }}{{ ',' if not loop.last }}
        {%- else %}
        cast({{ column }} as decimal(38, 2)) as {{ column }}{{ ',' if not loop.last }}
        {%- endif %}
        {%- endfor %}
    from {{ parent }}
    where {{ window_filter(window.other if window else none, window) }}
    {%- if aggregate_parent %}
    group by {{ group_by | join(', ') }}
    {%- endif %}

)

select
    {%- for key in group_by %}
    coalesce(child.{{ key }}, parent.{{ key }}) as {{ key }},
    {%- endfor %}
    {%- for column in columns %}
    child.{{ column }} as child_{{ column }},
    parent.{{ column }} as parent_{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from child
full outer join parent
    on {% for key in group_by %}child.{{ key }} = parent.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
where
    {%- for column in columns %}
    coalesce(child.{{ column }}, 0) <> coalesce(parent.{{ column }}, 0){{ ' or' if not loop.last }}
    {%- endfor %}

{% endtest %}
