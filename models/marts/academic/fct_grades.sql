-- One row per student × discipline × academic year × term × attempt: every session result and
-- every recognised result that counts, with its letter, points, credits and whether a later
-- attempt superseded it. A view over int_attempts_ranked: the grade table is stored once.
with attempts as (
    select * from {{ ref('int_attempts_ranked') }}
)

select
    student_id,
    discipline_code,
    academic_year,
    term,
    attempt,
    source,
    admission_rating,
    exam_score,
    final_score,
    letter_grade,
    grade_points,
    traditional_grade,
    credits,
    is_passed,
    counts_in_gpa,
    is_superseded,
    grade_basis,
    assessment,
    is_final_attestation,
    academic_year_start,
    term_order,
    term_seq,
    attempt_seq,
    is_first_in_term,
    is_last_in_term,
    graded_on,
    protocol_no,
    n_attempts,
    n_attempts_in_term,
    next_attempt_term_seq
from attempts
