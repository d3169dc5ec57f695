{#- B7, B8: the credits and GPA of a set of counted results, one aggregation for the term, the
    year and the cumulative record. Each row is one discipline's counted result with credits,
    grade_points, counts_in_gpa and is_passed. `prefix` names the columns (e.g. 'cumulative_'),
    `gpa_name` the GPA column and `failed_name` the count of results not passed. -#}
{% macro academic_record_totals(prefix='', gpa_name='gpa', failed_name='n_failed') -%}
    count(*) as {{ prefix }}n_results,
    -- B8: attempted = credits of disciplines with a counted result; earned = those passed
    sum(credits) as {{ prefix }}credits_attempted,
    coalesce(sum(credits) filter (where is_passed), 0) as {{ prefix }}credits_earned,
    -- B7: GPA over the results that count in GPA, F and FX included
    coalesce(sum(credits) filter (where counts_in_gpa), 0) as {{ prefix }}gpa_credits,
    coalesce(sum(credits * grade_points) filter (where counts_in_gpa), 0) as {{ prefix }}quality_points,
    {{ academic_gpa(
        'sum(credits * grade_points) filter (where counts_in_gpa)',
        'sum(credits) filter (where counts_in_gpa)'
    ) }} as {{ gpa_name }},
    count(*) filter (where not is_passed) as {{ failed_name }}
{%- endmacro %}
