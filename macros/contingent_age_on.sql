{#- Age in whole years on a date: the years between the birth date and the date, less
    one when the birthday has not yet come that year. -#}
{% macro contingent_age_on(birth_date, on_date) -%}
    (
        year({{ on_date }}) - year({{ birth_date }})
        - case when strftime({{ on_date }}, '%m-%d') < strftime({{ birth_date }}, '%m-%d') then 1 else 0 end
    )
{%- endmacro %}
