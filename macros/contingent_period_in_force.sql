{#- B10: the status period in force on a date: valid_from <= date < valid_to, an open period
    (valid_to null) running on. Periods of a student never overlap, so at most one matches.
    Written as one range so DuckDB can use a range join on large tables. -#}
{% macro contingent_period_in_force(on_date, periods) -%}
    (
        {{ on_date }} >= {{ periods }}.valid_from
        and {{ on_date }} < coalesce({{ periods }}.valid_to, date '9999-12-31')
    )
{%- endmacro %}

{#- B10: the last day a period is in force (valid_to is exclusive), the far date of the macro above
    for an open period: a reader finds the period in force on a day with the plain
    `day between valid_from and valid_to_inclusive`, no null to handle. -#}
{% macro contingent_period_valid_to_inclusive(periods) -%}
    coalesce({{ periods }}.valid_to - 1, date '9999-12-31')
{%- endmacro %}
