-- One row per student × academic year with results: the transfer GPA of the year against the
-- threshold for the course the student was on (rules A4), and who falls below it.
with student_years as (
    select * from {{ ref('fct_student_years') }}
),

student_terms as (
    select * from {{ ref('fct_student_terms') }}
),

standing as (
    select * from {{ ref('fct_student_term_standing') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

year_end as (
    -- the student's last term with results in the academic year
    select
        student_id,
        academic_year,
        max(term_seq) as term_seq
    from student_terms
    group by student_id, academic_year
),

assessed as (
    select
        student_years.*,
        -- A4: the threshold of the course being completed (var transfer_gpa_thresholds)
        {{ academic_transfer_threshold('student_years.course') }} as transfer_gpa_threshold,
        year_end.term_seq as year_end_term_seq
    from student_years
    inner join year_end
        on
            student_years.student_id = year_end.student_id
            and student_years.academic_year = year_end.academic_year
)

select
    assessed.academic_year,
    assessed.student_id,
    students.full_name,
    standing.program_code,
    programs.faculty_code,
    standing.funding,
    standing.status,
    assessed.course,
    assessed.course_source,
    assessed.year_gpa as transfer_gpa,
    assessed.transfer_gpa_threshold,
    -- compared unrounded (rules B7: rounding is for display)
    coalesce(assessed.year_gpa < assessed.transfer_gpa_threshold, false) as is_below_threshold,
    coalesce(assessed.year_gpa < assessed.transfer_gpa_threshold, false)
    and coalesce(fundings.is_state_grant, false) as loses_state_grant,
    assessed.n_results,
    assessed.credits_attempted,
    assessed.credits_earned,
    assessed.gpa_credits,
    student_terms.cumulative_gpa as cumulative_gpa_at_year_end,
    student_terms.cumulative_credits_earned as cumulative_credits_earned_at_year_end,
    student_terms.n_debts as n_debts_at_year_end,
    assessed.academic_year_start
from assessed
inner join students on assessed.student_id = students.student_id
inner join student_terms
    on
        assessed.student_id = student_terms.student_id
        and assessed.year_end_term_seq = student_terms.term_seq
inner join standing
    on
        assessed.student_id = standing.student_id
        and assessed.year_end_term_seq = standing.term_seq
left join programs on standing.program_code = programs.program_code
left join fundings on standing.funding = fundings.funding
