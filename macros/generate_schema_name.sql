{#- Schemas are named by layer (staging, intermediate, marts, reference) without the target prefix,
    so dashboards and SQL users read `marts.fct_client_daily` in every environment. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
