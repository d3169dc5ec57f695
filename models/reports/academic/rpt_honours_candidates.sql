-- One row per student still on course for an honours diploma (rules A3): every grade C+ or
-- better, no re-examination and no failed attempt, cumulative GPA at least honours_min_gpa, and
-- a final attestation of A or A- once taken (empty while not yet taken).
with attempts as (
    select * from {{ ref('fct_grades') }}
    where {{ changed_students_only('student_id') }}
),

scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = {{ academic_text_var('grade_scale_version') }}
),

students as (
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

standing as (
    select * from {{ ref('int_standings_measured') }}
    where {{ changed_students_only('student_id') }}
),

lowest_allowed as (
    {{ honours_lowest_allowed('scale') }}
),

per_student as (
    select
        attempts.student_id,
        {{ honours_record_counts() }}
    from attempts
    left join scale on attempts.letter_grade = scale.letter_grade
    cross join lowest_allowed
    group by attempts.student_id
),

checked as (
    -- each honours rule's flag (macro honours_rules_missed), on the current cumulative GPA
    select
        per_student.*,
        {{ honours_rules_missed('per_student', 'standing.cumulative_gpa') }}
    from per_student
    inner join standing on per_student.student_id = standing.student_id
)

select
    students.student_id,
    students.full_name,
    students.program_code,
    students.faculty_code,
    students.group_code,
    students.funding,
    students.status,
    standing.cumulative_gpa,
    standing.credits_earned,
    standing.credits_required,
    checked.n_disciplines,
    worst.letter_grade as lowest_letter,
    checked.final_attestation_letters,
    checked.n_final_attestation > 0 as has_final_attestation,
    -- eligible now: the final attestation is taken (with an allowed letter, or the student
    -- would not be listed)
    checked.n_final_attestation > 0 as is_eligible
from checked
inner join students on checked.student_id = students.student_id
inner join standing on checked.student_id = standing.student_id
left join scale as worst on checked.worst_sort_order = worst.sort_order
where
    -- a candidate misses no rule, save a final attestation not yet taken
    not checked.misses_lowest_letter
    and not checked.misses_no_re_examination
    and not checked.misses_min_gpa
    and not checked.misses_final_attestation_letter
