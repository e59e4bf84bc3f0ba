{#-
    round_half_away(expression, scale): round half away from zero, as a trading counter does.
    The value is cast to DECIMAL first so it never goes through a binary float; DECIMAL rounding in
    DuckDB and Spark (HALF_UP) is half away from zero.
-#}
{% macro round_half_away(expression, scale=2) -%}
    {{ return(adapter.dispatch('round_half_away')(expression, scale)) }}
{%- endmacro %}

{% macro default__round_half_away(expression, scale=2) -%}
    cast(round(cast({{ expression }} as decimal(38, 10)), {{ scale }}) as decimal(38, {{ scale }}))
{%- endmacro %}

{#-
    ratio(numerator, denominator): numerator / denominator as DECIMAL(24, 12), null when the
    denominator is 0 or null. Ratios are not money, so the division itself may go through a double.
-#}
{% macro ratio(numerator, denominator) -%}
    cast(
        cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)
        as decimal(24, 12)
    )
{%- endmacro %}

{#- money sum: always DECIMAL(38, 2), never null -#}
{% macro sum_money(expression) -%}
    cast(coalesce(sum({{ expression }}), 0) as decimal(38, 2))
{%- endmacro %}

{#- count as BIGINT -#}
{% macro count_bigint(expression='*') -%}
    cast(count({{ expression }}) as bigint)
{%- endmacro %}

{#- sum of counts or quantities: always BIGINT, never null -#}
{% macro sum_bigint(expression) -%}
    cast(coalesce(sum({{ expression }}), 0) as bigint)
{%- endmacro %}
