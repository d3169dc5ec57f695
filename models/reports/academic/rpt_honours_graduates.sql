-- One row per academic year × graduating student: on the programme's last course that year, or with
-- a final-attestation result in it. Each honours rule (B15) is checked on the record through the
-- end of that year; the student meets the honours rule when none is missed, and misses it by one
-- rule when exactly one is (which one, with its label).
with attempts as (
    select * from {{ ref('fct_grades') }}
    where {{ changed_students_only('student_id') }}
),

student_years as (
    select * from {{ ref('fct_student_years') }}
    where {{ changed_students_only('student_id') }}
),

student_terms as (
    select * from {{ ref('fct_student_terms') }}
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

programs as (
    select * from {{ ref('dim_programs') }}
),

labels as (
    select * from {{ ref('academic_list_labels') }}
),

lowest_allowed as (
    {{ honours_lowest_allowed('scale') }}
),

graduating as (
    -- on the last course of the programme (today's programme's normal duration) in the year ...
    select
        student_years.student_id,
        student_years.academic_year,
        student_years.academic_year_start
    from student_years
    inner join students on student_years.student_id = students.student_id
    inner join programs on students.program_code = programs.program_code
    where student_years.course >= programs.duration_years
    union
    -- ... or with a final-attestation result in it
    select
        student_id,
        academic_year,
        academic_year_start
    from attempts
    where is_final_attestation
),

record as (
    -- the record through the end of the graduating year
    select
        graduating.academic_year,
        graduating.student_id,
        {{ honours_record_counts() }},
        max(attempts.term_seq) as last_term_seq
    from graduating
    inner join attempts
        on
            graduating.student_id = attempts.student_id
            and graduating.academic_year_start >= attempts.academic_year_start
    left join scale on attempts.letter_grade = scale.letter_grade
    cross join lowest_allowed
    group by graduating.academic_year, graduating.student_id
),

checked as (
    select
        record.*,
        student_terms.cumulative_gpa,
        {{ honours_rules_missed('record', 'student_terms.cumulative_gpa') }}
    from record
    left join student_terms
        on
            record.student_id = student_terms.student_id
            and record.last_term_seq = student_terms.term_seq
),

counted as (
    select
        checked.*,
        checked.misses_lowest_letter::integer + checked.misses_no_re_examination::integer
        + checked.misses_min_gpa::integer + checked.misses_final_attestation::integer as n_rules_missed
    from checked
),

named as (
    select
        counted.*,
        case
            when counted.n_rules_missed != 1 then null
            when counted.misses_lowest_letter then 'grade_below_lowest'
            when counted.misses_no_re_examination then 're_examination'
            when counted.misses_min_gpa then 'gpa_below_min'
            else 'final_attestation_letter'
        end as missed_rule
    from counted
)

select
    named.academic_year,
    named.student_id,
    students.full_name,
    students.program_code,
    programs.faculty_code,
    students.group_code,
    named.cumulative_gpa,
    worst.letter_grade as lowest_letter,
    named.n_disciplines,
    named.final_attestation_letters,
    named.misses_lowest_letter,
    named.misses_no_re_examination,
    named.misses_min_gpa,
    named.misses_final_attestation,
    named.n_rules_missed,
    named.n_rules_missed = 0 as meets_honours,
    named.missed_rule,
    {{ code_label_columns('rule_labels', 'named.missed_rule', 'missed_rule') }}
from named
inner join students on named.student_id = students.student_id
left join programs on students.program_code = programs.program_code
left join scale as worst on named.worst_sort_order = worst.sort_order
left join labels as rule_labels
    on
        rule_labels.list = 'honours_rule'
        and named.missed_rule = rule_labels.code
