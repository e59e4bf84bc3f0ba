{#-
    Data tests of a daily build read the dates the build rebuilt, not the whole history.

    Dagster sets WAREHOUSE_TEST_FROM=<the first date of the build> (warehouse/rebuild.py): the day after
    the last date of the published warehouse, or rebuild_from after a correction. It is read only while
    the tests run, never while dbt parses the project: dbt parses the whole project again when a --vars
    value changes, or an env var read during parsing, which a new date every day would cost. A test of a
    model rebuilt by date (macros/incremental.sql: unique_key business_date, or month_start_date: from
    the month of that date) then reads that model's rows from that date on; the earlier rows were
    tested by the builds that wrote them (a staging view of a lake table: its partitions from that date
    on, landed and checked by then). Without it (a full build, `make test`) every test reads
    everything. Windowed: the column tests (not_null, unique, accepted_values, relationships: the
    parent side is read whole) and unique_combination through `get_where_subquery`; sums_match and
    cost_replay_matches_positions window both of their sides themselves, on the same dates.
-#}

{%- macro test_window_start(node) -%}
    {%- if not execute or node is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set first = env_var('WAREHOUSE_TEST_FROM', '') -%}
    {%- if not first -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if node.config.materialized == 'incremental' -%}
        {%- set column = node.config.unique_key -%}
    {%- elif node.config.materialized == 'view' and 'business_date' in node.columns -%}
        {%- set column = 'business_date' -%}  {#- a staging view of a lake table: its partitions -#}
    {%- endif -%}
    {%- if column == 'month_start_date' -%}
        {{ return({'column': column, 'start': (first | string)[:8] ~ '01'}) }}
    {%- elif column == 'business_date' -%}
        {{ return({'column': column, 'start': (first | string)[:10]}) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro -%}

{#- the model node of a relation (none for a source or a seed) -#}
{%- macro node_of(relation) -%}
    {%- if not execute or relation is string or relation.identifier is not defined -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.alias == relation.identifier
            and node.schema == relation.schema -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro -%}

{#- both sides of a two-model test on the same dates: {'start', 'model': column, 'other': column} -#}
{%- macro shared_test_window(model, other) -%}
    {%- set mine = test_window_start(node_of(model)) -%}
    {%- set theirs = test_window_start(node_of(other)) -%}
    {%- if mine is none or theirs is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set start = [mine.start, theirs.start] | min -%}
    {{ return({'start': start, 'model': mine.column, 'other': theirs.column}) }}
{%- endmacro -%}

{%- macro window_filter(column, window) -%}
    {%- if window is none -%}1 = 1{%- else -%}{{ column }} >= cast('{{ window.start }}' as date){%- endif -%}
{%- endmacro -%}

{#- dbt's own get_where_subquery (the `where` config), plus the window of WAREHOUSE_TEST_FROM -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where', '') -%}
        {%- do conditions.append('(' ~ config.get('where') ~ ')') -%}
    {%- endif -%}
    {%- set test_name = (model.test_metadata or {}).get('name') -%}
    {%- if execute and model.attached_node
            and test_name in ('not_null', 'unique', 'accepted_values', 'relationships', 'unique_combination') -%}
        {%- set window = test_window_start(graph.nodes.get(model.attached_node)) -%}
        {%- if window is not none -%}
            {%- do conditions.append(window_filter(window.column, window)) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
