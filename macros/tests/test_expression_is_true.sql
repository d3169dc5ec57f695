{#- Fails for every row where the expression is not true. -#}
{% test expression_is_true(model, expression) %}
{{ config(tags=['values']) }}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
