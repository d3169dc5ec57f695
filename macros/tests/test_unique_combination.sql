{#- Fails for every combination of the given columns that occurs more than once
    (dbt_utils.unique_combination_of_columns, which cannot be fetched here), with how many rows
    carry it. Grouping millions of rows by several text columns is most of a test's cost, so the
    rows are first grouped by one 64-bit hash of the columns; only the rows whose hash occurs more
    than once (none when the key holds: an empty build side ends the join at once) are grouped by
    the columns themselves. A hash shared by two different combinations only makes both candidates,
    so the failing rows are exactly those of grouping by the columns (NULLs group together in both). -#}
{% test unique_combination(model, columns) %}
{{ config(tags=['integrity']) }}
{%- set key = columns | join(', ') %}
with repeated_hashes as (
    select hash({{ key }}) as key_hash
    from {{ model }}
    group by key_hash
    having count(*) > 1
)

select {{ key }}, count(*) as n_rows
from {{ model }}
where hash({{ key }}) in (select repeated_hashes.key_hash from repeated_hashes)
group by {{ key }}
having count(*) > 1
{% endtest %}
