{#-
    read_lake(source_relation): the one place the Parquet lake is read.

    The `lake` source (models/staging/_lake__sources.yml) gives every table the external location
    <WAREHOUSE_LAKE>/<table>/*/*/*.parquet, laid out as
    <table>/business_date=YYYY-MM-DD/branch=<code>/part-0.parquet. The partition columns are typed
    here, not guessed: business_date a DATE and branch a string (`0101` must stay `0101`). Typed at the
    reader, a filter on business_date prunes the folders even through the staging views' projections
    (a varchar partition cast to a date above them read every file of the table: a day's build read
    the whole lake's history).
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
        read_parquet(
            {{ source_relation.external }}, hive_partitioning = true,
            hive_types = {'business_date': 'date', 'branch': 'varchar'}
        )
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
                        cast(null as date) as business_date,
                        cast(null as varchar) as branch
                    where 1 = 0
                )
            {%- endset -%}
        {%- endif -%}
    {%- endif -%}
    {{ reader }}
{%- endmacro %}

{#- Spark: every lake table is registered as an external Parquet table of the catalog, the dbt source
    itself (`lake.<table>`), over its folder in WAREHOUSE_LAKE, with the columns of `empty_columns`
    plus the partition columns as strings. Declared rather than inferred: a path that does not exist
    yet (dq_events before the first finding) reads as no rows instead of failing, and branch codes stay
    strings. It is re-created on every run (dropping an external table leaves its files alone), so it
    follows a moved lake; partitions are listed from the folders at query time
    (spark.sql.hive.manageFilesourcePartitions=false in profiles.yml), so newly landed days are seen. -#}
{% macro spark__read_lake(source_relation, empty_columns=none) -%}
    {%- if empty_columns is none -%}
        {{ exceptions.raise_compiler_error('read_lake on Spark needs the columns of ' ~ source_relation) }}
    {%- endif -%}
    {%- if execute -%}
        {%- set location = env_var('WAREHOUSE_LAKE', 'data/lake') ~ '/' ~ source_relation.identifier -%}
        {%- set columns = [] -%}
        {%- for name, data_type in empty_columns.items() -%}
            {%- do columns.append('`' ~ name ~ '` ' ~ spark_type(data_type)) -%}
        {%- endfor -%}
        {%- do run_query('create schema if not exists ' ~ source_relation.schema) -%}
        {%- do run_query('drop table if exists ' ~ source_relation) -%}
        {%- do run_query(
            'create table ' ~ source_relation ~ ' (' ~ columns | join(', ')
            ~ ', business_date string, branch string) using parquet partitioned by (business_date, branch)'
            ~ " location '" ~ location ~ "'"
        ) -%}
    {%- endif -%}
    {{ source_relation }}
{%- endmacro %}

{% macro default__read_lake(source_relation, empty_columns=none) -%}
    {{ source_relation }}
{%- endmacro %}
