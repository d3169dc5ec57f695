-- One row per academic year × term × discipline × group × teacher × programme: the session
-- (attestation) results deans receive, read from first attempts, with the results after the
-- retakes of the same term beside them (rules B9). The count columns by traditional grade and by
-- letter are generated from the seeds at compile time (macro count_by_code), so a new scale
-- version brings its own columns instead of silently counting zeros.
{%- set scale_where = "scale_version = '" ~ var('grade_scale_version') ~ "'" %}
{%- set grade_classes = seed_column_values(
    'grade_scale', 'traditional_grade', where=scale_where, order_by='sort_order'
) %}
{%- set failing_letters = seed_column_values(
    'grade_scale', 'letter_grade', where=scale_where ~ ' and not is_passing', order_by='sort_order'
) %}
{%- set passing_letters = seed_column_values(
    'grade_scale', 'letter_grade', where=scale_where ~ ' and is_passing', order_by='sort_order'
) %}
-- depends_on: {{ ref('grade_scale') }}
with attempts as (
    select * from {{ ref('int_attempts_ranked') }}
    where source = 'session'
),

enrollments as (
    select * from {{ ref('stg_ais__enrollments') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

sittings as (
    -- one row per student × discipline × term: the first attempt, and whether the last attempt
    -- of the same term passed
    select
        student_id,
        discipline_code,
        academic_year,
        academic_year_start,
        term,
        term_order,
        arg_min(letter_grade, attempt) as letter_grade,
        arg_min(traditional_grade, attempt) as traditional_grade,
        arg_min(final_score, attempt) as final_score,
        arg_min(grade_basis, attempt) as grade_basis,
        arg_min(is_passed, attempt) as is_passed,
        arg_max(is_passed, attempt) as is_passed_after_retakes
    from attempts
    group by student_id, discipline_code, academic_year, academic_year_start, term, term_order
),

placed as (
    select
        sittings.*,
        -- group and teacher from the registration; a result without one keeps them empty
        enrollments.group_code,
        enrollments.teacher_id,
        students.program_code,
        students.faculty_code,
        coalesce(traditional_grades.counts_as_quality, false) as counts_as_quality
    from sittings
    left join enrollments
        on
            sittings.student_id = enrollments.student_id
            and sittings.discipline_code = enrollments.discipline_code
            and sittings.academic_year = enrollments.academic_year
            and sittings.term = enrollments.term
    inner join students on sittings.student_id = students.student_id
    left join traditional_grades on sittings.traditional_grade = traditional_grades.traditional_grade
)

select
    academic_year,
    term,
    discipline_code,
    group_code,
    teacher_id,
    faculty_code,
    program_code,
    -- graded: every student with a first attempt, the not admitted and no-shows included
    count(*) as n_graded,
    count(*) filter (where is_passed) as n_passed,
    -- by traditional grade (seed grade_scale: n_excellent, n_good, ...) and by failing letter (n_fx, n_f)
    {{- count_by_code('traditional_grade', grade_classes) }}
    {{- count_by_code('letter_grade', failing_letters) }}
    count(*) filter (where grade_basis = 'not_admitted') as n_not_admitted,
    count(*) filter (where grade_basis = 'no_show') as n_no_show,
    -- success rate = passed / graded; quality rate = (excellent + good) / graded (seed traditional_grades)
    count(*) filter (where is_passed) / count(*) as success_rate,
    count(*) filter (where counts_as_quality) / count(*) as quality_rate,
    avg(final_score) as mean_final_score,
    -- by passing letter of the scale in use (n_a, n_a_minus, ..., n_d)
    {{- count_by_code('letter_grade', passing_letters) }}
    count(*) filter (where letter_grade = {{ academic_text_var('letter_pass') }}) as n_pass,
    -- after the retakes of the same term
    count(*) filter (where is_passed_after_retakes) as n_passed_after_retakes,
    count(*) filter (where is_passed_after_retakes) / count(*) as success_rate_after_retakes,
    min(academic_year_start) as academic_year_start,
    min(term_order) as term_order
from placed
group by academic_year, term, discipline_code, group_code, teacher_id, faculty_code, program_code
