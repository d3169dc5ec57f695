-- Checks: every letter in fct_grades (but P) is exactly one row of the scale in use, and a scale letter's final score lies in its range.
-- Matters: a letter var (letter_*) names a letter the scale lacks, or the scale changed under the grades.
-- Resolve: make the vars letter_* and grade_scale_version in dbt_project.yml agree with seeds/grade_scale.csv, then refresh.
with grades as (
    select * from {{ ref('fct_grades') }}
    where letter_grade != '{{ var("letter_pass") }}'
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
