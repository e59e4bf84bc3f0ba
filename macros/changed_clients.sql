{#-
    The client dimensions (dim_client, dim_client_history) are rebuilt for the clients whose records
    landed since their last build, not for every client: a day's clients.csv carries the day's new and
    changed clients only, while the dimensions hold every client.

    client_incremental_config(key): on DuckDB an incremental model whose rows of those clients are
    replaced by `key` (the `replace_clients` strategy below); on Spark a table rebuilt whole (its
    Parquet tables cannot replace rows by key).

    changed_clients_from(frontier): the first business date of the client records to read, from the
    dimension's latest date `frontier` (record_date, valid_from); none (rebuild every client) on a full
    build, on Spark (a table: build_from gives none) and after a corrected or late package (var
    rebuild_from): a corrected clients.csv may have dropped a record that the built rows have.
-#}
{% macro client_incremental_config(key) -%}
    {%- if target.type in ('spark', 'databricks') -%}
        {{ return({'materialized': 'table'}) }}
    {%- endif -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'replace_clients',
        'unique_key': key,
        'on_schema_change': 'append_new_columns',
    }) }}
{%- endmacro %}

{% macro changed_clients_from(frontier) -%}
    {%- if var('rebuild_from', none) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(build_from({'column': frontier})) }}
{%- endmacro %}

{#- `replace_clients`: delete the rows of the clients rebuilt (all rows when every client is rebuilt
    after a correction), then insert the new ones -#}
{% macro get_incremental_replace_clients_sql(arg_dict) -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    {%- if not var('rebuild_from', none) %}
    where {{ key }} in (select {{ key }} from {{ arg_dict['temp_relation'] }})
    {%- endif %};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
