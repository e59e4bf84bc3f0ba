{#-
    list_sum_field(list_expression, field): the sum of a numeric field over a list of structs (landing
    records rows per file and events per rule as such lists), as BIGINT; 0 for an empty or null list
    and null fields count as 0. Lists have no portable SQL, so each adapter spells it its own way.
-#}
{% macro list_sum_field(list_expression, field) -%}
    {{ return(adapter.dispatch('list_sum_field')(list_expression, field)) }}
{%- endmacro %}

{#- DuckDB -#}
{% macro default__list_sum_field(list_expression, field) -%}
    cast(coalesce(list_sum(list_transform({{ list_expression }}, lambda e: e."{{ field }}")), 0) as bigint)
{%- endmacro %}

{% macro spark__list_sum_field(list_expression, field) -%}
    cast(
        coalesce(
            aggregate({{ list_expression }}, cast(0 as bigint), (acc, e) -> acc + coalesce(e.`{{ field }}`, 0)),
            0
        )
        as bigint
    )
{%- endmacro %}
