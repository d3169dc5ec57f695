-- One row per result in the record: every session attempt and every recognition line that
-- counts (a recognised result is attempt 1 of its term), in one shape.
with session_grades as (
    select * from {{ ref('int_grades_scored') }}
),

recognitions as (
    select * from {{ ref('int_recognitions_checked') }}
    where is_counted
),

unioned as (
    select
        student_id,
        discipline_code,
        academic_year,
        academic_year_start,
        term,
        term_order,
        attempt,
        'session' as source,
        admission_rating,
        exam as exam_score,
        final_score,
        grade_basis,
        letter_grade,
        grade_points,
        traditional_grade,
        credits,
        is_passed,
        counts_in_gpa,
        assessment,
        is_final_attestation,
        graded_on,
        cast(null as varchar) as protocol_no
    from session_grades

    union all

    select
        student_id,
        discipline_code,
        academic_year,
        academic_year_start,
        term,
        term_order,
        1 as attempt,
        'recognised' as source,
        cast(null as decimal(12, 4)) as admission_rating,
        cast(null as decimal(9, 2)) as exam_score,
        final_score,
        'recognised' as grade_basis,
        letter_grade,
        grade_points,
        traditional_grade,
        credits,
        is_passed,
        counts_in_gpa,
        assessment,
        is_final_attestation,
        protocol_date as graded_on,
        protocol_no
    from recognitions
)

select
    *,
    {{ academic_term_seq('academic_year_start', 'term_order') }} as term_seq
from unioned
