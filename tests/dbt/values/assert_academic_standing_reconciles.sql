with grades as (
    select
        student_id,
        coalesce(sum(credits) filter (where is_passed), 0) as credits_earned,
        count(*) filter (where not is_passed) as n_debts
    from {{ ref('fct_grades') }}
    where not is_superseded
    group by student_id
),

students as (
    select * from {{ ref('dim_students') }}
)

select
    students.student_id,
    students.credits_earned,
    coalesce(grades.credits_earned, 0) as credits_earned_from_grades,
    students.n_debts,
    coalesce(grades.n_debts, 0) as n_debts_from_grades
from students
left join grades on students.student_id = grades.student_id
where
    students.credits_earned != coalesce(grades.credits_earned, 0)
    or students.n_debts != coalesce(grades.n_debts, 0)
