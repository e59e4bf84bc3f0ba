{#- Masking of personal data. Raw names and mobiles never leave the lake; id_no is never selected. -#}

{#- 张三丰 -> 张**: the first character and a fixed two stars (the name's length is not revealed). -#}
{% macro mask_name(column) -%}
    case
        when {{ column }} is null or {{ column }} = '' then null
        else {{ dbt.concat(["substring(" ~ column ~ ", 1, 1)", "'**'"]) }}
    end
{%- endmacro %}

{#- 13812341234 -> 138****1234; anything shorter than 8 characters is masked whole. -#}
{% macro mask_mobile(column) -%}
    case
        when {{ column }} is null or {{ column }} = '' then null
        when {{ dbt.length(column) }} < 8 then '****'
        else {{ dbt.concat(["substring(" ~ column ~ ", 1, 3)", "'****'", dbt.right(column, "4")]) }}
    end
{%- endmacro %}
