{#- Keys of the conformed dimensions. Natural keys are kept as the keys (they are stable codes);
    every dimension also holds an unknown member '-1' so fact keys are never null. -#}

{#- the `unassigned 无归属` broker of a branch -#}
{% macro unassigned_broker_key(branch_code) -%}
    {{ dbt.concat(["'unassigned-'", branch_code]) }}
{%- endmacro %}

{#- securities: <code>.<market>, e.g. 600519.SH -#}
{% macro security_key(market, security_code) -%}
    {{ dbt.concat([security_code, "'.'", market]) }}
{%- endmacro %}
