{#-
    read_lake(source_relation): the one place the Parquet lake is read.

    The `lake` source (models/staging/_lake__sources.yml) gives every table the external location
    <WAREHOUSE_LAKE>/<table>/*/*/*.parquet, laid out as
    <table>/business_date=YYYY-MM-DD/branch=<code>/part-0.parquet. Partition columns are read as
    strings (no type guessing: branch `0101` must stay `0101`); staging casts them.
-#}
{#- `empty_columns` (optional, {name: type}): when no file of the table exists yet (nothing landed, or
    a table landing writes only when it has something to record: dq_events, refused_packages), read an
    empty relation of these columns (plus the partition columns) instead of failing. Staging views are
    recreated on every dbt run, so they read the files from the first run after the files appear. -#}
{% macro read_lake(source_relation, empty_columns=none) -%}
    {{ return(adapter.dispatch('read_lake')(source_relation, empty_columns)) }}
{%- endmacro %}

{% macro duckdb__read_lake(source_relation, empty_columns=none) -%}
    {%- set reader -%}
        read_parquet({{ source_relation.external }}, hive_partitioning = true, hive_types_autocast = false)
    {%- endset -%}
    {%- if empty_columns is not none and execute -%}
        {%- set found = run_query('select count(*) from glob(' ~ source_relation.external ~ ')').columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {%- set reader -%}
                (
                    select
                        {%- for name, data_type in empty_columns.items() %}
                        cast(null as {{ data_type }}) as {{ name }},
                        {%- endfor %}
                        cast(null as varchar) as business_date,
                        cast(null as varchar) as branch
                    where 1 = 0
                )
            {%- endset -%}
        {%- endif -%}
    {%- endif -%}
    {{ reader }}
{%- endmacro %}

{#- Spark: the table folder is a Hive-partitioned Parquet dataset; partition inference must be off
    (spark.sql.sources.partitionColumnTypeInference.enabled = false) to keep branch codes as strings. -#}
{% macro spark__read_lake(source_relation, empty_columns=none) -%}
    parquet.`{{ env_var('WAREHOUSE_LAKE', 'data/lake') }}/{{ source_relation.identifier }}`
{%- endmacro %}

{% macro default__read_lake(source_relation, empty_columns=none) -%}
    {{ source_relation }}
{%- endmacro %}
