-- Per student (rules C8): each grade row is judged on its own against the scale, so a nightly build tests
-- the changed students' rows only (macros/tests/changed_students_tested.sql).
with grades as (
    select * from {{ ref('fct_grades') }}
    where
        letter_grade != '{{ var("letter_pass") }}'
        and {{ changed_students_tested('student_id') }}
),

scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = '{{ var("grade_scale_version") }}'
),

matched as (
    select
        grades.student_id,
        grades.discipline_code,
        grades.academic_year,
        grades.term,
        grades.attempt,
        grades.letter_grade,
        grades.final_score,
        grades.grade_basis,
        count(scale.letter_grade) as n_rows,
        bool_and(grades.final_score between scale.min_percent and scale.max_percent) as score_in_range
    from grades
    left join scale on grades.letter_grade = scale.letter_grade
    group by all
)

select * from matched
where
    n_rows != 1
    or (grade_basis in ('scale', 'recognised') and not coalesce(score_in_range, false))
