{#-
    bi_client_monthly (models/marts/presentation/): type 1 names over incremental months.

    bi_broker_names(): the broker's name and tree of a client-month, by column, as expressions over the
    branch `b` (dim_branch), the broker `k` (dim_broker) and the profile `p` (broker_key). The model
    selects them, and bi_client_months_start compares the rows built before with them (and with the
    branch's names).
-#}
{% macro bi_broker_names() -%}
    {{ return({
        'broker_name': "coalesce(k.broker_name, '未知')",
        'broker_label': "case when k.is_unassigned then '无归属·' || b.branch_name"
                        " else coalesce(k.broker_name, p.broker_key) end",
        'level_1_broker_id': 'k.level_1_broker_id',
        'level_2_broker_id': 'k.level_2_broker_id',
        'level_3_broker_id': 'k.level_3_broker_id',
        'level_4_broker_id': 'k.level_4_broker_id',
        'level_5_broker_id': 'k.level_5_broker_id',
    }) }}
{%- endmacro %}

{#-
    bi_client_months_start(): the first month a build of bi_client_monthly replaces whole, as
    'YYYY-MM-01', or none to rebuild it whole: a full build, Spark (insert_overwrite replaces whole
    months), a rebuild from a corrected day (a client's record may then go back to an earlier one), or
    names or a tree in its rows that are no longer the branches' and brokers' current ones (type 1).
    Otherwise the month of the first new day (build_from on last_landed_date).
-#}
{% macro bi_client_months_start() -%}
    {%- set start = build_from({'column': 'last_landed_date'}) -%}
    {%- if start is none or target.type in ('spark', 'databricks') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set requested = var('rebuild_from', none) -%}
    {%- if requested and run_query(
            "select max(last_landed_date) >= cast('" ~ (requested | string)[:10] ~ "' as date) from " ~ this
        ).columns[0].values()[0] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set names = {'branch_name': 'b.branch_name', 'region_name': 'b.region_name'} -%}
    {%- do names.update(bi_broker_names()) -%}
    {%- set stale -%}
        select count(*) from (
            select distinct branch_key, broker_key, {{ names.keys() | join(', ') }} from {{ this }}
        ) as p
        left join {{ ref('dim_branch') }} as b on b.branch_key = p.branch_key
        left join {{ ref('dim_broker') }} as k on k.broker_key = p.broker_key
        where not (
            {%- for column, expression in names.items() %}
            {{ 'and ' if not loop.first }}p.{{ column }} is not distinct from {{ expression }}
            {%- endfor %}
        )
    {%- endset -%}
    {%- if run_query(stale).columns[0].values()[0] > 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(start[:8] ~ '01') }}
{%- endmacro %}

{#-
    The `replace_client_months` incremental strategy (bi_client_monthly on DuckDB): deletes the months
    from bi_client_months_start on and the rows of the client-months the new rows hold (the earlier
    months of the clients whose record changed), then inserts the new rows. On a whole rebuild every
    row is deleted.
-#}
{% macro get_incremental_replace_client_months_sql(arg_dict) -%}
    {%- set month = bi_client_months_start() -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    {%- if month is not none %}
    where business_date >= cast('{{ month }}' as date)
        or exists (
            select 1 from {{ arg_dict['temp_relation'] }} as n
            where n.business_date = {{ target }}.business_date and n.client_id = {{ target }}.client_id
        )
    {%- endif %};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
