{#- The combination of `columns` is unique in the model (the grain of a fact). -#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as rows_per_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
