{#-
    Look-ups "as of" a date over a model's client-day rows (int_client_daily_status): a client's last
    row on or before a boundary date. `carried` maps the carried columns to their types.
-#}

{#- the rows of `relation` matching `where`, one per client and day: the carried values (the same in
    each of the client's rows that day) and whether any of them churned -#}
{% macro built_client_days(relation, carried, where) -%}
    select
        client_id,
        business_date,
        {%- for column in carried %}
        max({{ column }}) as {{ column }},
        {%- endfor %}
        max(case when is_churned then 1 else 0 end) = 1 as is_churned
    from {{ relation }}
    where {{ where }}
    group by client_id, business_date
{%- endmacro %}

{#-
    as_of(name, requests, timeline, carried, searched): the CTEs `<name>_...` and `<name>` that give,
    for each request (client_id, boundary_date) of a client landed by then, the client's last row on
    or before the boundary (client_id, boundary_date, as_of_date, the carried columns, is_churned):
    its row on the last day of `timeline` (the client-day rows of the days looked up) on or before the
    boundary, else (no row that day: a missing package, an account closed and reopened) the latest of
    its rows in `searched`, SQL that reads only the clients of `<name>_gaps`.
-#}
{% macro as_of(name, requests, timeline, carried, searched) -%}
{{ name }}_landed as (

    select r.boundary_date, max(t.business_date) as landed_date
    from (select distinct boundary_date from {{ requests }}) as r
    inner join (select distinct business_date from {{ timeline }}) as t on t.business_date <= r.boundary_date
    group by r.boundary_date

),

{{ name }}_found as (

    select
        r.client_id,
        r.boundary_date,
        t.business_date as as_of_date,
        {%- for column in carried %}
        t.{{ column }},
        {%- endfor %}
        t.is_churned
    from {{ requests }} as r
    inner join {{ name }}_landed as l on l.boundary_date = r.boundary_date
    inner join {{ timeline }} as t on t.client_id = r.client_id and t.business_date = l.landed_date

),

{{ name }}_gaps as (

    select r.client_id, r.boundary_date
    from {{ requests }} as r
    left join {{ name }}_found as f on f.client_id = r.client_id and f.boundary_date = r.boundary_date
    where f.client_id is null

),

{{ name }}_searched as (

    select g.boundary_date, s.*
    from ({{ searched }}) as s
    inner join {{ name }}_gaps as g on g.client_id = s.client_id and s.business_date <= g.boundary_date

),

{{ name }} as (

    select * from {{ name }}_found
    union all
    select
        s.client_id,
        s.boundary_date,
        s.business_date as as_of_date,
        {%- for column in carried %}
        s.{{ column }},
        {%- endfor %}
        s.is_churned
    from {{ name }}_searched as s
    inner join (
        select client_id, boundary_date, max(business_date) as landed_date
        from {{ name }}_searched
        group by client_id, boundary_date
    ) as l on l.client_id = s.client_id and l.boundary_date = s.boundary_date and l.landed_date = s.business_date

)
{%- endmacro %}

{#-
    last_rows_before(relation, columns, previous_day, gaps): SQL for the rows of `relation` (client-day
    rows with client_id and business_date) on each client's last day before a build's first day: its
    rows on `previous_day` (the last day built before it, found when the model compiles), else, for
    the clients of `gaps` (SQL giving client_id: those of the new days not on that day but landed
    before), their rows on their own last earlier day. `columns`: the columns to select.
-#}
{% macro last_rows_before(relation, columns, previous_day, gaps) -%}
    select {{ columns | join(', ') }}
    from {{ relation }}
    where business_date = cast('{{ previous_day }}' as date)

    union all

    select {{ columns | join(', ') }}
    from (
        select *, max(business_date) over (partition by client_id) as last_date
        from {{ relation }}
        where business_date < cast('{{ previous_day }}' as date)
            and client_id in ({{ gaps }})
    ) as searched
    where business_date = last_date
{%- endmacro %}

{#- the last business date of `relation` built before `start`, or none (a full build, nothing before) -#}
{% macro last_day_before(relation, start) -%}
    {%- if not execute or start is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query(
        "select max(business_date) from " ~ relation ~ " where " ~ before('business_date', start)
    ).columns[0].values()[0]) }}
{%- endmacro %}

{#- SQL for the clients of `new_days` (client-day rows with first_landed_date) that landed before
    `start` but have no row of `relation` on `previous_day`: the `gaps` of last_rows_before -#}
{% macro clients_missing_on(new_days, relation, previous_day, start) -%}
    select distinct n.client_id
    from {{ new_days }} as n
    where {{ before('n.first_landed_date', start) }}
        and not exists (
            select 1 from {{ relation }} as p
            where p.business_date = cast('{{ previous_day }}' as date) and p.client_id = n.client_id
        )
{%- endmacro %}
