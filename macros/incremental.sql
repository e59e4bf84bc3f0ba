{#-
    Incremental daily builds.

    The per-day models are `materialized='incremental'` with one row set per business_date. A run
    rebuilds every business date from `build_from()` on and reads its inputs from that date minus
    the model's look-back (`lookback_from`). The strategy replaces whole business dates:
    `replace_dates` on DuckDB (below), insert_overwrite of the business_date partitions on Spark.
    The choice is made here only (`incremental_strategy`).

    build_from(): the first business date to rebuild, as 'YYYY-MM-DD' (none on a full build, and for a
    table an earlier version of the model built without the frontier column):
      - the day after the last business date built into the model, or
      - var('rebuild_from') when it is earlier (a corrected or late branch-day re-landed: Dagster's
        build passes the earliest such date, warehouse/rebuild.py, e.g. --vars '{rebuild_from:
        2024-03-14}').
    A model whose rows of earlier days depend on later days (the current month's daily average
    assets) widens it with `month_start`. What the frontier is read from is the model's config
    (daily_incremental_config(frontier=...)), so that the strategy deletes from the same date.

    The monthly models (one row set per month_start_date) use daily_incremental_config('month_start_date',
    frontier={'column': ..., 'month_start': true}): the months from the month of the next day to build
    are replaced whole.
-#}

{% macro incremental_strategy() -%}
    {%- if target.type in ('spark', 'databricks') -%}
        {{ return('insert_overwrite') }}
    {%- else -%}
        {{ return('replace_dates') }}
    {%- endif -%}
{%- endmacro %}

{#-
    The `replace_dates` incremental strategy: delete every row from the model's `build_from()` on (its
    month for a monthly key), then insert the new rows. A corrected branch-day can leave a date of a
    sparse model (custody transfers, a reminder kind) with no rows at all: its old rows go too.
    The new rows are inserted straight from the model's query (a temporary view, `create_table_as`
    below), not copied through a temporary table: that copy cost 1.2-3 s per wide model on a day of
    2.2 M clients. A model that reads its own rows that the build replaces (the month so far) is
    `staged`: its rows are computed into a temporary table before the old ones are deleted.
-#}
{% macro get_incremental_replace_dates_sql(arg_dict) -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set start = build_from() -%}
    delete from {{ arg_dict['target_relation'] }}
    {%- if start is not none %}
    where {{ key }} >= cast('{{ start[:8] ~ '01' if key == 'month_start_date' else start }}' as date)
    {%- endif %};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
    {%- if not model_setting('staged') %};
    drop view {{ arg_dict['temp_relation'] }}
    {%- endif %}
{%- endmacro %}

{#- dbt-duckdb's create_table_as, but an in-place `replace_dates` model's temporary relation is a view -#}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
    {%- if temporary and language == 'sql' and config.get('incremental_strategy') == 'replace_dates'
            and not model_setting('staged') -%}
        {%- if config.get('contract').enforced %}{{ get_assert_columns_equivalent(compiled_code) }}{% endif %}
        create or replace temporary view {{ relation.include(database=false, schema=false) }} as (
            {{ compiled_code }}
        )
    {%- else -%}
        {{ dbt.duckdb__create_table_as(temporary, relation, compiled_code, language, partitioned_by, sorted_by) }}
    {%- endif -%}
{%- endmacro %}

{#- a setting of the model given to daily_incremental_config (kept in its config's meta) -#}
{% macro model_setting(name, default=none) -%}
    {{ return((config.get('meta') or {}).get(name, default)) }}
{%- endmacro %}

{#-
    The config of a model rebuilt by business date (or by `key`, e.g. month_start_date).
    `frontier`: where its next build starts (build_from): `column`, the date it is read from (default
    business_date); `filter`, the rows it is read from; `month_start`, true to rebuild the whole month;
    `current_securities`, true for a cube grouped by the securities' board and industry as they are now.
    `staged`: see the replace_dates strategy.
-#}
{% macro daily_incremental_config(key='business_date', frontier={}, staged=false) -%}
    {%- set settings = {
        'materialized': 'incremental',
        'incremental_strategy': incremental_strategy(),
        'unique_key': key,
        'on_schema_change': 'append_new_columns',
        'meta': {'frontier': frontier, 'staged': staged},
    } -%}
    {%- if target.type in ('spark', 'databricks') -%}
        {%- do settings.update({'partition_by': [key], 'file_format': 'parquet'}) -%}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}

{% macro build_from(frontier=none) -%}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set frontier = model_setting('frontier', {}) if frontier is none else frontier -%}
    {%- set column = frontier.get('column', 'business_date') -%}
    {%- set frontier_filter = frontier.get('filter') -%}
    {%- set built_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if column | lower not in built_columns -%}
        {#- a table built by an earlier version of the model, without its frontier column: rebuild it whole
            (the new columns are appended, on_schema_change) -#}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select cast({{ dbt.dateadd('day', 1, 'max(' ~ column ~ ')') }} as date) from {{ this }}
        {%- if frontier_filter %} where {{ frontier_filter }}{% endif %}
    {%- endset -%}
    {%- set next_day = run_query(query).columns[0].values()[0] -%}
    {%- if next_day is none -%}
        {#- an empty model: rebuild everything -#}
        {{ return(none) }}
    {%- endif -%}
    {%- set start = next_day | string -%}
    {%- set requested = var('rebuild_from', none) -%}
    {%- if requested and (requested | string) < start -%}
        {%- set start = requested | string -%}
    {%- endif -%}
    {%- if frontier.get('month_start') -%}
        {%- set start = start[:8] ~ '01' -%}
    {%- endif -%}
    {%- if frontier.get('current_securities') -%}
        {{ return(unless_securities_regrouped(start[:10])) }}
    {%- endif -%}
    {{ return(start[:10]) }}
{%- endmacro %}

{#-
    lookback_from(start, days, trading_days, months): the earliest input date a rebuild from `start`
    needs: `days` calendar days, `trading_days` trading days (int_trading_calendar) and the start of
    the `months`-th previous calendar month before it, whichever is earliest. None when start is none.
-#}
{% macro lookback_from(start, days=0, trading_days=0, months=0) -%}
    {%- if start is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set candidates = [start] -%}
    {%- if days > 0 -%}
        {%- set found = run_query(
            "select cast(" ~ dbt.dateadd('day', -days, "cast('" ~ start ~ "' as date)") ~ " as date)"
        ).columns[0].values()[0] -%}
        {%- do candidates.append((found | string)[:10]) -%}
    {%- endif -%}
    {%- if months > 0 -%}
        {%- set found = run_query(
            "select cast(" ~ dbt.dateadd('month', -months, dbt.date_trunc('month', "cast('" ~ start ~ "' as date)"))
            ~ " as date)"
        ).columns[0].values()[0] -%}
        {%- do candidates.append((found | string)[:10]) -%}
    {%- endif -%}
    {%- if trading_days > 0 -%}
        {%- set calendar = ref('int_trading_calendar') -%}
        {%- set found = run_query(
            "select min(calendar_date) from " ~ calendar ~ " where is_trading_day and trading_day_number >= ("
            ~ " select count(*) from " ~ calendar ~ " where is_trading_day and calendar_date < cast('"
            ~ start ~ "' as date)) - " ~ (trading_days - 1)
        ).columns[0].values()[0] -%}
        {%- if found is not none -%}{%- do candidates.append((found | string)[:10]) -%}{%- endif -%}
    {%- endif -%}
    {{ return(candidates | sort | first) }}
{%- endmacro %}

{#- `column >= start` (a date literal), or true on a full build -#}
{% macro since(column, start) -%}
    {%- if start is none -%}
        1 = 1
    {%- else -%}
        {{ column }} >= cast('{{ start }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- `column < start`, or false on a full build (the part already built) -#}
{% macro before(column, start) -%}
    {%- if start is none -%}
        1 = 0
    {%- else -%}
        {{ column }} < cast('{{ start }}' as date)
    {%- endif -%}
{%- endmacro %}

{#-
    on-run-start: on Spark, a run with rebuild_from follows the removal of the build's date partitions
    from that date on (warehouse/rebuild.py drop_spark_partitions_from). A Spark session that read the
    tables before (a Thrift server, or one process running several builds) still lists the removed
    files: every incremental table is refreshed first.
-#}
{% macro refresh_rebuilt_tables() -%}
    {%- if execute and target.type in ('spark', 'databricks') and var('rebuild_from', none) -%}
        {%- for node in graph.nodes.values()
                if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
            {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
            {%- if relation is not none -%}
                {%- do run_query('refresh table ' ~ relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#-
    unless_securities_regrouped(start): build_from() of a cube grouped by the securities' board and
    industry as they are now (dim_security, type 1; frontier `current_securities`): `start`, or none to
    rebuild it whole: when a security's board or industry changed on the days to build (head office's
    securities.csv carries the changed record), and on a rebuild after a corrected or late head-office
    package (it may undo a change that the built rows have). Dagster's build says which with
    var('head_office_changed') (warehouse/rebuild.py); a run with rebuild_from and without it rebuilds
    them whole. After corrected branch-days alone they are rebuilt from rebuild_from, like every other
    model.
-#}
{% macro unless_securities_regrouped(start) -%}
    {%- if var('rebuild_from', none) and var('head_office_changed', true) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed -%}
        with records as (
            select
                market,
                security_code,
                board,
                industry,
                {{ since('business_date', start) }} as is_new,
                row_number() over (
                    partition by market, security_code, {{ since('business_date', start) }}
                    order by business_date desc, source_row desc
                ) as recency
            from {{ ref('stg_lake__securities') }}
        )
        select count(*)
        from records as n
        inner join records as o
            on o.market = n.market and o.security_code = n.security_code and not o.is_new and o.recency = 1
        where n.is_new and n.recency = 1
            and (n.board <> o.board or coalesce(n.industry, '') <> coalesce(o.industry, ''))
    {%- endset -%}
    {%- if run_query(changed).columns[0].values()[0] > 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(start) }}
{%- endmacro %}

{#- whether a monthly model's build from `start` extends its month (adds the new days to the month's
    rows built before): a daily build on DuckDB, not a full build nor a rebuild from a corrected day of
    the month already built (`column`: the model's last landed date). Spark always rebuilds the month
    (it would read the partition it overwrites). The model is `staged` (it reads the rows it replaces). -#}
{% macro extends_month(start, column='last_landed_date') -%}
    {%- if start is none or target.type in ('spark', 'databricks') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set requested = var('rebuild_from', none) -%}
    {%- if not requested -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(run_query(
        "select max(" ~ column ~ ") < cast('" ~ (requested | string)[:10] ~ "' as date) from " ~ this
    ).columns[0].values()[0]) }}
{%- endmacro %}
