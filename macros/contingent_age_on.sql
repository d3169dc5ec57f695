{#- Age in whole years on a date: the years between the birth date and the date, less
    one when the birthday has not yet come that year (month and day compared as month × 100 + day,
    the order of 'MM-DD' without formatting a text per row). -#}
{% macro contingent_age_on(birth_date, on_date) -%}
    (
        year({{ on_date }}) - year({{ birth_date }})
        - case
            when month({{ on_date }}) * 100 + day({{ on_date }}) < month({{ birth_date }}) * 100 + day({{ birth_date }})
                then 1
            else 0
        end
    )
{%- endmacro %}
