{#- Configuration tier: fails once for every code in the column that the seed does not
    list, with how many rows carry it. A code the seed lacks means the warehouse cannot
    label, count or classify those rows until the seed gains a line for it. -#}
{% test code_in_seed(model, column_name, to, field) %}
    {{ config(tags=['configuration']) }}
select
    data.{{ column_name }} as unknown_code,
    count(*) as n_rows
-- a subquery: the model may come aliased already (get_where_subquery: a `where`, or a nightly build's changed students)
from (select * from {{ model }}) as data
where data.{{ column_name }} is not null
    and data.{{ column_name }} not in (select seed.{{ field }} from {{ to }} as seed where seed.{{ field }} is not null)
group by data.{{ column_name }}
{% endtest %}
