{#- A3, B15: the honours rule, stated once for today's candidates (rpt_honours_candidates) and the
    record through a graduating year (rpt_honours_graduates), as academic_record_totals is for the
    term, year and cumulative records.

    honours_lowest_allowed: the scale's sort order of the lowest letter allowed (`scale`, the CTE of
    the grade scale in use).
    honours_record_counts: the aggregates of a student's attempts (fct_grades rows aliased
    `attempts`, joined to the grade scale as `scale` and to the lowest allowed letter as
    `lowest_allowed`) that the rule is judged on.
    honours_rules_missed: each rule's flag from those counts (`record`, the CTE holding them) and
    the cumulative GPA (`gpa`, an expression); a missing GPA misses the GPA rule. -#}
{% macro honours_lowest_allowed(scale) -%}
    select sort_order from {{ scale }}
    where letter_grade = {{ academic_text_var('honours_lowest_letter') }}
{%- endmacro %}

{% macro honours_record_counts() -%}
    count(*) as n_attempts,
    count(distinct attempts.discipline_code) as n_disciplines,
    count(*) filter (where not attempts.is_passed) as n_failed_attempts,
    -- graded letters below the lowest allowed (a pass/fail P has no letter rank)
    count(*) filter (where scale.sort_order > lowest_allowed.sort_order) as n_below_lowest,
    max(scale.sort_order) as worst_sort_order,
    string_agg(attempts.letter_grade, ', ' order by attempts.term_seq, attempts.discipline_code)
    filter (where attempts.is_final_attestation and not attempts.is_superseded) as final_attestation_letters,
    count(*) filter (where attempts.is_final_attestation and not attempts.is_superseded) as n_final_attestation,
    count(*) filter (
        where attempts.is_final_attestation and not attempts.is_superseded
        and attempts.letter_grade not in {{ academic_text_list_var('honours_final_attestation_letters') }}
    ) as n_final_attestation_not_allowed
{%- endmacro %}

{% macro honours_rules_missed(record, gpa) -%}
    {{ record }}.n_below_lowest > 0 as misses_lowest_letter,
    {{ record }}.n_attempts > {{ record }}.n_disciplines or {{ record }}.n_failed_attempts > 0
    as misses_no_re_examination,
    coalesce({{ gpa }} < {{ academic_decimal_var('honours_min_gpa') }}, true) as misses_min_gpa,
    -- a final attestation not yet taken misses it too; a candidate may still take it
    {{ record }}.n_final_attestation_not_allowed > 0 as misses_final_attestation_letter,
    {{ record }}.n_final_attestation = 0 or {{ record }}.n_final_attestation_not_allowed > 0
    as misses_final_attestation
{%- endmacro %}
