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
    average(total, count): a money total divided by a count, rounded half away from zero to the cent,
    as DECIMAL(38, 2); null when count is 0 or null. Exact on every engine: DuckDB divides decimals in
    binary floating point (741171.565 came out .56) and Spark in decimal rounded to 6 places, so the
    quotient is taken in whole cents with integer arithmetic: round(c / n) = (2c + n - (2c + n) % 2n) / 2n
    for c >= 0, with c the total in cents as BIGINT (the totals are money, at most two decimals; a 128-bit
    DECIMAL(38, 0) modulo took twice as long, and a BIGINT holds 46 quadrillion yuan); the division is
    exact (a whole number below 2^53 cents, 90 trillion yuan, so the double both engines divide in holds
    it).
    Both the modulo and the division go through nullif: DuckDB evaluates them even where count is 0.
-#}
{% macro average(total, count) -%}
    {%- set cents = 'abs(cast((' ~ total ~ ') * 100 as bigint))' -%}
    {%- set twice = '(2 * ' ~ cents ~ ' + (' ~ count ~ '))' -%}
    {%- set divisor = 'nullif(2 * (' ~ count ~ '), 0)' -%}
    {%- set rounded = 'cast((' ~ twice ~ ' - ' ~ twice ~ ' % ' ~ divisor ~ ') / ' ~ divisor ~ ' as bigint)' -%}
    cast(
        cast(case when ({{ total }}) < 0 then -{{ rounded }} else {{ rounded }} end as decimal(38, 0)) * 0.01
        as decimal(38, 2)
    )
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

{#- log_return(daily_return): ln(1 + daily return) as DOUBLE, null when the return is unknown (or <= -100%) -#}
{% macro log_return(daily_return) -%}
    cast(
        case when 1 + cast({{ daily_return }} as double) > 0 then ln(1 + cast({{ daily_return }} as double)) end
        as double
    )
{%- endmacro %}
