-- One row per student ever admitted: the current academic standing (cumulative GPA, credits earned
-- against the programme's requirement, debts) and progress against the curriculum (what is due by
-- the semester reached and still missing). Identity and today's attributes are in dim_students.
-- Everything that follows from the student's own rows is int_standings_measured (per student,
-- rebuilt for the changed students only on a nightly refresh); this model adds where the extract's
-- results begin, a figure over every student's terms.
with standings as (
    select * from {{ ref('int_standings_measured') }}
),

student_terms as (
    select * from {{ ref('fct_student_terms') }}
),

history_start as (
    -- the first academic year with any result in the extract: a student who entered before it has
    -- results the extract does not hold (rules B8)
    select
        min(academic_year_start) as academic_year_start,
        arg_min(academic_year, academic_year_start) as academic_year
    from student_terms
)

select
    standings.student_id,
    standings.latest_academic_year,
    standings.latest_term,
    standings.latest_term_label_kk,
    standings.latest_term_label_ru,
    standings.latest_term_label_en,
    standings.cumulative_gpa,
    standings.credits_attempted,
    standings.credits_earned,
    standings.gpa_credits,
    standings.n_debts,
    standings.credits_required,
    standings.credits_remaining,
    standings.semester_reached,
    standings.n_curriculum_disciplines,
    standings.curriculum_credits,
    standings.n_due_disciplines,
    standings.due_credits,
    standings.n_due_missing,
    standings.due_credits_missing,
    standings.missing_due_disciplines,
    case
        when standings.entry_year_start < history_start.academic_year_start then history_start.academic_year
    end as results_history_from
from standings
cross join history_start
