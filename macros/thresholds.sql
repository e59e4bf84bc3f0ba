{#-
    threshold('name'): a business threshold from the `thresholds` seed, as a scalar subquery.
    Thresholds are reference data the business may change (docs/contract/metrics.md, "(seed)").
-#}
{% macro threshold(name) -%}
    (select threshold_value from {{ ref('thresholds') }} where threshold_name = '{{ name }}')
{%- endmacro %}
