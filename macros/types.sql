{#-
    Type names. The project spells types as DuckDB does (varchar, struct(a varchar, "b" bigint)[]): in
    the lake columns of the staging models and the contracts' data_type (models/**/_*__models.yml).
    spark_type(data_type) gives Spark's spelling (string, array<struct<`a`:string,`b`:bigint>>);
    every other type name (bigint, decimal(18, 2), date, time, double, boolean) is the same in both.
    The struct fields are split on commas, so a field type must not hold one (no decimal in a struct).
-#}
{% macro spark_type(data_type) -%}
    {%- set data_type = data_type | trim -%}
    {%- if data_type.endswith('[]') -%}
        array<{{ spark_type(data_type[:-2]) }}>
    {%- elif data_type.startswith('struct(') -%}
        {%- set fields = [] -%}
        {%- for field in data_type[7:-1].split(',') -%}
            {%- set name, field_type = (field | trim).split(' ', 1) -%}
            {%- do fields.append('`' ~ name.strip('"') ~ '`:' ~ spark_type(field_type)) -%}
        {%- endfor -%}
        struct<{{ fields | join(',') }}>
    {%- elif data_type | lower == 'varchar' -%}
        string
    {%- else -%}
        {{ data_type }}
    {%- endif -%}
{%- endmacro %}

{#- dbt's cast on Spark (it builds the empty relation an enforced contract is checked against) -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}
