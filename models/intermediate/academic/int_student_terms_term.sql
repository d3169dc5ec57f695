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
    {{ academic_record_totals(gpa_name='term_gpa', failed_name='n_failed') }}
from attempts
group by student_id, academic_year, academic_year_start, term, term_order, term_seq
