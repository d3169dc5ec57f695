-- One row per student still on course for an honours diploma (rules A3): every grade C+ or
-- better, no re-examination and no failed attempt, cumulative GPA at least honours_min_gpa, and
-- a final attestation of A or A- once taken (empty while not yet taken).
with attempts as (
    select * from {{ ref('fct_grades') }}
),

scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = {{ academic_text_var('grade_scale_version') }}
),

dim_students as (
    select * from {{ ref('dim_students') }}
),

standing as (
    select * from {{ ref('fct_student_standing') }}
),

lowest_allowed as (
    select sort_order from scale
    where letter_grade = {{ academic_text_var('honours_lowest_letter') }}
),

per_student as (
    select
        attempts.student_id,
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
    from attempts
    left join scale on attempts.letter_grade = scale.letter_grade
    cross join lowest_allowed
    group by attempts.student_id
)

select
    dim_students.student_id,
    dim_students.full_name,
    dim_students.program_code,
    dim_students.faculty_code,
    dim_students.group_code,
    dim_students.funding,
    dim_students.status,
    standing.cumulative_gpa,
    standing.credits_earned,
    standing.credits_required,
    per_student.n_disciplines,
    worst.letter_grade as lowest_letter,
    per_student.final_attestation_letters,
    per_student.n_final_attestation > 0 as has_final_attestation,
    -- eligible now: the final attestation is taken (with an allowed letter, or the student
    -- would not be listed)
    per_student.n_final_attestation > 0 as is_eligible
from per_student
inner join dim_students on per_student.student_id = dim_students.student_id
inner join standing on per_student.student_id = standing.student_id
left join scale as worst on per_student.worst_sort_order = worst.sort_order
where
    per_student.n_attempts = per_student.n_disciplines
    and per_student.n_failed_attempts = 0
    and per_student.n_below_lowest = 0
    and per_student.n_final_attestation_not_allowed = 0
    and standing.cumulative_gpa >= {{ academic_decimal_var('honours_min_gpa') }}
