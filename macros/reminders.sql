{#-
    client_day_ranking(order_by, sums, alias): the window columns fct_broker_reminders puts on a
    client-day's events of one kind (transfers, custody transfers, holdings, buys): size_rank (1 = the
    first by `order_by`, the one a reminder names), event_count, and a column per entry of `sums`
    (name: expression) summed over the client-day. `alias` qualifies the key columns ('f' -> f.client_id).
-#}
{% macro client_day_ranking(order_by, sums={}, alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {%- set client_day = prefix ~ 'business_date, ' ~ prefix ~ 'branch_code, ' ~ prefix ~ 'client_id' -%}
    row_number() over (partition by {{ client_day }} order by {{ order_by }}) as size_rank,
    count(*) over (partition by {{ client_day }}) as event_count
    {%- for name, expression in sums.items() %},
    sum({{ expression }}) over (partition by {{ client_day }}) as {{ name }}
    {%- endfor %}
{%- endmacro %}
