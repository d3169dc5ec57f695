-- One row per student × academic year × term with results: the term's own credits and GPA,
-- read from each discipline's last attempt within that term (rules B6–B8).
with attempts as (
    select * from {{ ref('int_attempts_ranked') }}
    where is_last_in_term
)

select
    student_id,
    academic_year,
    academic_year_start,
    term,
    term_order,
    term_seq,
    count(*) as n_results,
    -- B8: attempted = credits of disciplines with a counted result; earned = those passed
    sum(credits) as credits_attempted,
    coalesce(sum(credits) filter (where is_passed), 0) as credits_earned,
    -- B7: GPA over the results that count in GPA, F and FX included
    coalesce(sum(credits) filter (where counts_in_gpa), 0) as gpa_credits,
    coalesce(sum(credits * grade_points) filter (where counts_in_gpa), 0) as quality_points,
    {{ academic_gpa(
        'sum(credits * grade_points) filter (where counts_in_gpa)',
        'sum(credits) filter (where counts_in_gpa)'
    ) }} as term_gpa,
    count(*) filter (where not is_passed) as n_failed
from attempts
group by student_id, academic_year, academic_year_start, term, term_order, term_seq
