with grades as (
    select
        student_id,
        coalesce(sum(credits) filter (where is_passed), 0) as credits_earned,
        count(*) filter (where not is_passed) as n_debts
    from {{ ref('fct_grades') }}
    where not is_superseded
    group by student_id
),

standing as (
    select * from {{ ref('fct_student_standing') }}
)

select
    standing.student_id,
    standing.credits_earned,
    coalesce(grades.credits_earned, 0) as credits_earned_from_grades,
    standing.n_debts,
    coalesce(grades.n_debts, 0) as n_debts_from_grades
from standing
left join grades on standing.student_id = grades.student_id
where
    standing.credits_earned != coalesce(grades.credits_earned, 0)
    or standing.n_debts != coalesce(grades.n_debts, 0)
