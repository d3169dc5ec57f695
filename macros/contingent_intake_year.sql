{#- The intake (academic) year an entry effective on a date belongs to: an entry on or after the
    month-day of var intake_year_start_month_day (1 July) joins that calendar year's intake, an
    earlier one the previous year's (admission orders of late summer). Shared by the contingent
    cohorts and the academic cohort of each student, so the two agree. -#}
{% macro contingent_intake_year(effective_date) -%}
    (
        year({{ effective_date }})
        - case when strftime({{ effective_date }}, '%m-%d') < '{{ var("intake_year_start_month_day") }}' then 1 else 0 end
    )
{%- endmacro %}
