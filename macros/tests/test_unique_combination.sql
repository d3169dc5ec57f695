{#- Fails for every combination of the given columns that occurs more than once
    (dbt_utils.unique_combination_of_columns, which cannot be fetched here). -#}
{% test unique_combination(model, columns) %}
{{ config(tags=['integrity']) }}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
