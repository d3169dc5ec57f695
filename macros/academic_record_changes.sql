{#- B6-B8: what a set of standing results adds to a student's record (fct_student_terms), as sums
    and counts that add up across terms: the record through a term is the sum, in term order, of
    what each term's results add minus what the results they replace took away. The counts of
    credits and of quality points that are not null say when a sum over no such result is null,
    as academic_record_totals' sums are. `prefix` names the columns. -#}
{% macro academic_record_changes(prefix='') -%}
    count(credits) as {{ prefix }}n_credits,
    sum(credits) as {{ prefix }}credits,
    sum(credits) filter (where is_passed) as {{ prefix }}credits_earned,
    sum(credits) filter (where counts_in_gpa) as {{ prefix }}gpa_credits,
    sum(credits * grade_points) filter (where counts_in_gpa) as {{ prefix }}quality_points,
    count(credits * grade_points) filter (where counts_in_gpa) as {{ prefix }}n_quality_points,
    count(*) filter (where not is_passed) as {{ prefix }}n_failed,
    count(*) filter (where counts_in_gpa) as {{ prefix }}n_gpa_results,
    count(*) filter (where counts_in_gpa and is_excellent) as {{ prefix }}n_gpa_excellent,
    count(*) filter (where counts_in_gpa and counts_as_quality) as {{ prefix }}n_gpa_good_or_better
{%- endmacro %}

{#- The record through a term for one of academic_record_changes' columns: what the term's results
    add (`added_<column>` of `added`) minus what leaves with the results they replace (`replaced`),
    summed over the student's terms up to this one (window `through_term`). -#}
{% macro academic_record_through_term(column, added='term_figures', replaced='replaced') -%}
    sum(coalesce({{ added }}.added_{{ column }}, 0) - coalesce({{ replaced }}.{{ column }}, 0)) over through_term
{%- endmacro %}
