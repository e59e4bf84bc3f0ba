{#-
    The cost replay of int_position_cost_steps ends every client-security-day with the quantity and
    cost basis of that day's positions file (0 / 0 when the position is gone). A mismatch means the
    producer applied the events in another order or broke the moving-average rule.
-#}
{% test cost_replay_matches_positions(model, positions) %}
{#- in a daily build: the rebuilt dates of the model, and the positions of those dates -#}
{%- set window = test_window_start(node_of(model)) %}

with

replayed as (

    select business_date, client_id, market, security_code, qty_after, cost_after
    from {{ model }}
    where is_last_step and cost_after is not null and {{ window_filter('business_date', window) }}

),

positions as (

    select business_date, client_id, market, security_code, sum(qty) as qty, sum(cost_amount) as cost_amount
    from {{ positions }}
    where {{ window_filter('business_date', window) }}
    group by business_date, client_id, market, security_code

)

select r.*, p.qty, p.cost_amount
from replayed as r
left join positions as p
    on p.business_date = r.business_date
    and p.client_id = r.client_id
    and p.market = r.market
    and p.security_code = r.security_code
where r.qty_after <> coalesce(p.qty, 0)
    or r.cost_after <> coalesce(p.cost_amount, 0)

{% endtest %}
