{#-
    cost_replay_steps(events, starts, steps): the body of the CTE `steps` of int_position_cost_steps,
    the moving-average cost replay 移动加权平均成本 of every client-security-day.

    events  one row per event: business_date, client_id, market, security_code, step_no (1, 2, ...),
            side (B, S, I, O), qty, cost_added, fixed_cost_removed (transfers out; null for fills)
    starts  one row per client-security-day: start_qty, start_cost (null when unknown)
    gives   one row per event: the keys, step_no, qty_before, cost_before, cost_removed, cost_added

    Each sell's cost removed, round(cost before x qty / qty before, 2), depends on the rounding of the
    sells before it, so the replay is sequential within a group. DuckDB (and every engine with fast
    recursion: Postgres, Snowflake, BigQuery) runs it as a recursive CTE over the step number; Spark
    runs a recursive CTE as one job per level, so there it folds each group's events in one pass with
    the higher-order function aggregate(). Both give the same rows (tests/spark).
-#}
{% macro cost_replay_steps(events, starts, steps) -%}
    {{ return(adapter.dispatch('cost_replay_steps')(events, starts, steps)) }}
{%- endmacro %}

{#- the cost a step removes, from the position before it -#}
{% macro cost_removed(event, qty_before, cost_before) -%}
    cast(
        case
            when {{ event }}.fixed_cost_removed is not null then {{ event }}.fixed_cost_removed
            when {{ event }}.side = 'S' then {{ average(cost_before ~ ' * ' ~ event ~ '.qty', qty_before) }}
            else 0
        end
        as decimal(38, 2)
    )
{%- endmacro %}

{#- the join of two relations on the client-security-day -#}
{% macro same_group(left, right) -%}
    {%- for column in ['business_date', 'client_id', 'market', 'security_code'] -%}
        {{ left }}.{{ column }} = {{ right }}.{{ column }}{% if not loop.last %} and {% endif %}
    {%- endfor -%}
{%- endmacro %}

{#- the quantity after a step -#}
{% macro qty_after(event, qty_before) -%}
    cast({{ qty_before }} + case when {{ event }}.side in ('B', 'I') then {{ event }}.qty else -{{ event }}.qty end as bigint)
{%- endmacro %}

{% macro default__cost_replay_steps(events, starts, steps) -%}
    -- anchor: the first event of every group
    select
        e.business_date,
        e.client_id,
        e.market,
        e.security_code,
        e.step_no,
        s.start_qty as qty_before,
        s.start_cost as cost_before,
        {{ cost_removed('e', 's.start_qty', 's.start_cost') }} as cost_removed,
        e.cost_added
    from {{ events }} as e
    inner join {{ starts }} as s
        on {{ same_group('s', 'e') }}
    where e.step_no = 1

    union all

    -- one more event per group and iteration, from the state after the previous one
    {%- set qty_before = qty_after('prev_event', 'prev.qty_before') %}
    {%- set cost_before = 'cast(prev.cost_before + prev.cost_added - prev.cost_removed as decimal(38, 2))' %}
    select
        e.business_date,
        e.client_id,
        e.market,
        e.security_code,
        e.step_no,
        {{ qty_before }} as qty_before,
        {{ cost_before }} as cost_before,
        {{ cost_removed('e', qty_before, cost_before) }} as cost_removed,
        e.cost_added
    from {{ steps }} as prev
    inner join {{ events }} as prev_event
        on {{ same_group('prev_event', 'prev') }} and prev_event.step_no = prev.step_no
    inner join {{ events }} as e
        on {{ same_group('e', 'prev') }} and e.step_no = prev.step_no + 1
{%- endmacro %}

{% macro spark__cost_replay_steps(events, starts, steps) -%}
    {%- set step_type = 'struct<step_no: int, qty_before: bigint, cost_before: decimal(38, 2),'
        ~ ' cost_removed: decimal(38, 2), cost_added: decimal(38, 2)>' -%}
    {%- set removed = cost_removed('ev', 'acc.qty', 'acc.cost') -%}
    select business_date, client_id, market, security_code, inline(replay.steps)
    from (
        select
            s.business_date,
            s.client_id,
            s.market,
            s.security_code,
            aggregate(
                -- the group's events in step order (a struct sorts by its first field first)
                array_sort(collect_list(struct(
                    cast(e.step_no as int) as step_no, e.side, e.qty, e.fixed_cost_removed, e.cost_added
                ))),
                named_struct(
                    'qty', cast(s.start_qty as bigint),
                    'cost', cast(s.start_cost as decimal(38, 2)),
                    'steps', cast(array() as array<{{ step_type }}>)
                ),
                (acc, ev) -> named_struct(
                    'qty', {{ qty_after('ev', 'acc.qty') }},
                    'cost', cast(acc.cost + ev.cost_added - {{ removed }} as decimal(38, 2)),
                    'steps', concat(acc.steps, array(named_struct(
                        'step_no', ev.step_no,
                        'qty_before', acc.qty,
                        'cost_before', acc.cost,
                        'cost_removed', {{ removed }},
                        'cost_added', ev.cost_added
                    )))
                )
            ) as replay
        from {{ events }} as e
        inner join {{ starts }} as s
            on {{ same_group('s', 'e') }}
        group by s.business_date, s.client_id, s.market, s.security_code, s.start_qty, s.start_cost
    ) as replayed
{%- endmacro %}
