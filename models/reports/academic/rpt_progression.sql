-- One row per student × academic year with results: the transfer GPA of the year against the
-- threshold for the course the student was on (rules A4, B14), who falls below it, and the outcome
-- of the year for the students still counted at its end: promoted, repeat year, or a candidate for
-- expulsion for academic failure (var expulsion_candidate_min_debts).
with student_years as (
    select * from {{ ref('fct_student_years') }}
    where {{ changed_students_only('student_id') }}
),

student_terms as (
    select * from {{ ref('fct_student_terms') }}
    where {{ changed_students_only('student_id') }}
),

standing as (
    select * from {{ ref('fct_student_term_standing') }}
    where {{ changed_students_only('student_id') }}
),

students as (
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

labels as (
    select * from {{ ref('academic_list_labels') }}
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
),

judged as (
    select
        assessed.*,
        -- compared unrounded (rules B7: rounding is for display)
        coalesce(assessed.year_gpa < assessed.transfer_gpa_threshold, false) as is_below_threshold,
        coalesce(statuses.counts_in_headcount, false) as is_counted_at_year_end,
        student_terms.n_debts as n_debts_at_year_end,
        standing.program_code,
        standing.funding,
        standing.status
    from assessed
    inner join student_terms
        on
            assessed.student_id = student_terms.student_id
            and assessed.year_end_term_seq = student_terms.term_seq
    inner join standing
        on
            assessed.student_id = standing.student_id
            and assessed.year_end_term_seq = standing.term_seq
    left join statuses on standing.status = statuses.status
),

decided as (
    select
        judged.*,
        -- B14: only students still counted at the year's end (studying or on mobility) move on
        case
            when not judged.is_counted_at_year_end then null
            when not judged.is_below_threshold then 'promoted'
            when judged.n_debts_at_year_end >= {{ var('expulsion_candidate_min_debts') }} then 'expulsion_candidate'
            else 'below_threshold'
        end as progression_outcome
    from judged
)

select
    decided.academic_year,
    decided.student_id,
    students.full_name,
    decided.program_code,
    programs.faculty_code,
    students.group_code,
    decided.funding,
    decided.status,
    decided.course,
    decided.course_source,
    decided.year_gpa as transfer_gpa,
    decided.transfer_gpa_threshold,
    decided.is_below_threshold,
    decided.is_below_threshold and coalesce(fundings.is_state_grant, false) as loses_state_grant,
    decided.is_counted_at_year_end,
    decided.progression_outcome,
    {{ code_label_columns('outcome_labels', 'decided.progression_outcome', 'progression_outcome') }},
    -- the last course of the programme (its normal duration): promotion ends there, graduation follows
    coalesce(decided.course >= programs.duration_years, false) as is_final_course,
    case
        when decided.progression_outcome = 'promoted' and not coalesce(decided.course >= programs.duration_years, false)
            then decided.course + 1
    end as next_course,
    decided.n_results,
    decided.credits_attempted,
    decided.credits_earned,
    decided.gpa_credits,
    student_terms.cumulative_gpa as cumulative_gpa_at_year_end,
    student_terms.cumulative_credits_earned as cumulative_credits_earned_at_year_end,
    decided.n_debts_at_year_end,
    decided.academic_year_start
from decided
inner join students on decided.student_id = students.student_id
inner join student_terms
    on
        decided.student_id = student_terms.student_id
        and decided.year_end_term_seq = student_terms.term_seq
left join programs on decided.program_code = programs.program_code
left join fundings on decided.funding = fundings.funding
left join labels as outcome_labels
    on
        outcome_labels.list = 'progression_outcome'
        and decided.progression_outcome = outcome_labels.code
