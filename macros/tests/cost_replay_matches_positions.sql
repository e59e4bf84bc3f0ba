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

    select business_date, client_id, market, security_code, qty, cost_amount
    from {{ positions }}
    where {{ window_filter('business_date', window) }}

)

-- joined before they are summed: the positions of the replayed client-securities only (a sum over
-- every position first cost more than the replay)
select
    r.business_date,
    r.client_id,
    r.market,
    r.security_code,
    r.qty_after,
    r.cost_after,
    sum(p.qty) as qty,
    sum(p.cost_amount) as cost_amount
from replayed as r
left join positions as p
    on p.business_date = r.business_date
    and p.client_id = r.client_id
    and p.market = r.market
    and p.security_code = r.security_code
group by r.business_date, r.client_id, r.market, r.security_code, r.qty_after, r.cost_after
having r.qty_after <> coalesce(sum(p.qty), 0)
    or r.cost_after <> coalesce(sum(p.cost_amount), 0)

{% endtest %}
