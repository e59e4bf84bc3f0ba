{#- client_days_of(relations): the (business_date, branch_code, client_id) of the rows of `relations`
    (CTEs or models of a branch's files, each with those columns), once each: the days a client
    appears in its branch's package, i.e. the rows of int_client_daily -#}
{% macro client_days_of(relations) -%}
    {%- for relation in relations %}
    select business_date, branch_code, client_id from {{ relation }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
