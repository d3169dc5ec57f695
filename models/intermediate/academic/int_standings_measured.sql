-- One row per student ever admitted: the current academic standing (cumulative GPA, credits earned
-- against the programme's requirement, debts) and progress against the curriculum (what is due by
-- the semester reached and still missing), from the student's own rows alone. fct_student_standing
-- adds where the extract's results begin, which needs every student's terms.
with students as (
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

plan_disciplines as (
    select * from {{ ref('int_student_plan_disciplines') }}
    where {{ changed_students_only('student_id') }}
),

disciplines as (
    select * from {{ ref('dim_disciplines') }}
),

attempts as (
    select * from {{ ref('int_attempts_ranked') }}
    where {{ changed_students_only('student_id') }}
),

student_terms as (
    select * from {{ ref('fct_student_terms') }}
    where {{ changed_students_only('student_id') }}
),

student_years as (
    select * from {{ ref('fct_student_years') }}
    where {{ changed_students_only('student_id') }}
),

terms as (
    select * from {{ ref('terms') }}
),

latest_term as (
    select * from student_terms
    where is_latest_term
),

latest_year as (
    -- the course of the student's latest academic year with results (approximated from the
    -- curriculum, fct_student_years), and how many of its regular semesters have results
    select
        student_years.student_id,
        student_years.course,
        count(distinct attempts.term) filter (where terms.is_regular_semester) as n_regular_semesters
    from student_years
    inner join attempts
        on
            student_years.student_id = attempts.student_id
            and student_years.academic_year = attempts.academic_year
    inner join terms on attempts.term = terms.term
    group by student_years.student_id, student_years.academic_year, student_years.course
    qualify row_number() over (partition by student_years.student_id order by student_years.academic_year desc) = 1
),

reached as (
    -- semester of study reached: the semesters of the earlier courses plus the regular semesters
    -- with results in the latest year (0 without results)
    select
        students.student_id,
        coalesce(2 * (latest_year.course - 1) + latest_year.n_regular_semesters, 0) as semester_reached
    from students
    left join latest_year on students.student_id = latest_year.student_id
),

standing_results as (
    -- each discipline's result that stands today (its last attempt)
    select * from attempts
    where not is_superseded
),

plan_status as (
    -- each plan discipline: due by the semester reached, and missing when due and not passed
    select
        plan_disciplines.student_id,
        plan_disciplines.discipline_code,
        plan_disciplines.semester_no,
        disciplines.credits,
        plan_disciplines.semester_no <= reached.semester_reached as is_due,
        plan_disciplines.semester_no <= reached.semester_reached
        and not coalesce(standing.is_passed, false) as is_missing
    from plan_disciplines
    inner join disciplines on plan_disciplines.discipline_code = disciplines.discipline_code
    inner join reached on plan_disciplines.student_id = reached.student_id
    left join standing_results as standing
        on
            plan_disciplines.student_id = standing.student_id
            and plan_disciplines.discipline_code = standing.discipline_code
),

plan_progress as (
    select
        student_id,
        count(*) as n_curriculum_disciplines,
        sum(credits) as curriculum_credits,
        count(*) filter (where is_due) as n_due_disciplines,
        coalesce(sum(credits) filter (where is_due), 0) as due_credits,
        count(*) filter (where is_missing) as n_due_missing,
        coalesce(sum(credits) filter (where is_missing), 0) as due_credits_missing,
        string_agg(discipline_code, ', ' order by semester_no, discipline_code) filter (where is_missing)
            as missing_due_disciplines
    from plan_status
    group by student_id
)

select
    students.student_id,
    latest_term.academic_year as latest_academic_year,
    latest_term.term as latest_term,
    latest_term.term_label_kk as latest_term_label_kk,
    latest_term.term_label_ru as latest_term_label_ru,
    latest_term.term_label_en as latest_term_label_en,
    latest_term.cumulative_gpa,
    coalesce(latest_term.cumulative_credits_attempted, 0) as credits_attempted,
    coalesce(latest_term.cumulative_credits_earned, 0) as credits_earned,
    coalesce(latest_term.cumulative_gpa_credits, 0) as gpa_credits,
    coalesce(latest_term.n_debts, 0) as n_debts,
    programs.credits_required,
    greatest(programs.credits_required - coalesce(latest_term.cumulative_credits_earned, 0), 0) as credits_remaining,
    reached.semester_reached,
    coalesce(plan_progress.n_curriculum_disciplines, 0) as n_curriculum_disciplines,
    coalesce(plan_progress.curriculum_credits, 0) as curriculum_credits,
    coalesce(plan_progress.n_due_disciplines, 0) as n_due_disciplines,
    coalesce(plan_progress.due_credits, 0) as due_credits,
    coalesce(plan_progress.n_due_missing, 0) as n_due_missing,
    coalesce(plan_progress.due_credits_missing, 0) as due_credits_missing,
    plan_progress.missing_due_disciplines,
    -- where the student's results should begin, for fct_student_standing's results_history_from
    students.entry_year_start
from students
inner join programs on students.program_code = programs.program_code
left join latest_term on students.student_id = latest_term.student_id
inner join reached on students.student_id = reached.student_id
left join plan_progress on students.student_id = plan_progress.student_id
