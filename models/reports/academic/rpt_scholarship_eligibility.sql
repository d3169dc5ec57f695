-- One row per regular session (academic year × term 1 or 2) × student with first-attempt
-- session results: whether the state scholarship is due after the session, and at which level
-- (rules B11).
with attempts as (
    select * from {{ ref('fct_grades') }}
    where source = 'session' and is_first_in_term and {{ changed_students_only('student_id') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

standing as (
    select * from {{ ref('fct_student_term_standing') }}
    where {{ changed_students_only('student_id') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

students as (
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_only('student_id') }}
),

labels as (
    select * from {{ ref('academic_list_labels') }}
),

session_results as (
    select
        attempts.student_id,
        attempts.academic_year,
        attempts.term,
        attempts.term_seq,
        count(*) as n_results,
        -- a passed pass/fail result neither qualifies nor disqualifies
        count(*) filter (where attempts.letter_grade != {{ academic_text_var('letter_pass') }}) as n_graded,
        count(*) filter (where coalesce(traditional_grades.is_excellent, false)) as n_excellent,
        count(*) filter (where coalesce(traditional_grades.counts_as_quality, false)) as n_good_or_excellent,
        count(*) filter (
            where attempts.letter_grade != {{ academic_text_var('letter_pass') }}
            and not coalesce(traditional_grades.counts_as_quality, false)
        ) as n_below_good,
        count(*) filter (where attempts.letter_grade = {{ academic_text_var('letter_pass') }}) as n_pass
    from attempts
    inner join terms
        on
            attempts.academic_year = terms.academic_year
            and attempts.term = terms.term
    left join traditional_grades on attempts.traditional_grade = traditional_grades.traditional_grade
    where terms.is_regular_semester
    group by attempts.student_id, attempts.academic_year, attempts.term, attempts.term_seq
),

assessed as (
    select
        session_results.*,
        standing.funding,
        standing.status,
        standing.program_code,
        standing.as_of_date,
        coalesce(fundings.is_state_grant, false) as is_state_grant,
        -- rules B11: attending the university (seed contingent_statuses.is_studying: active)
        coalesce(statuses.is_studying, false) as is_active,
        session_results.n_graded > 0 and session_results.n_below_good = 0 as is_all_good_or_excellent,
        session_results.n_graded > 0 and session_results.n_excellent = session_results.n_graded as is_all_excellent
    from session_results
    inner join standing
        on
            session_results.student_id = standing.student_id
            and session_results.term_seq = standing.term_seq
    left join statuses on standing.status = statuses.status
    left join fundings on standing.funding = fundings.funding
),

decided as (
    select
        assessed.*,
        assessed.is_state_grant and assessed.is_active and assessed.is_all_good_or_excellent as is_eligible,
        assessed.is_state_grant and assessed.is_active and assessed.is_all_excellent as is_increased,
        case
            when not assessed.is_state_grant then 'not_state_grant'
            when not assessed.is_active then 'not_active'
            when assessed.n_graded = 0 then 'no_graded_results'
            when not assessed.is_all_good_or_excellent then 'grade_below_good'
        end as ineligible_reason
    from assessed
),

rated as (
    select
        decided.*,
        case
            when decided.is_increased then 'increased'
            when decided.is_eligible then 'standard'
        end as scholarship_rate
    from decided
)

select
    rated.academic_year,
    rated.term,
    rated.student_id,
    students.full_name,
    rated.program_code,
    programs.faculty_code,
    students.group_code,
    -- the course of the orders in force at the end of the term (B10); null before the first order
    status_history.course,
    rated.funding,
    rated.status,
    rated.n_results,
    rated.n_graded,
    rated.n_excellent,
    rated.n_good_or_excellent,
    rated.n_below_good,
    rated.n_pass,
    rated.is_state_grant,
    rated.is_active,
    rated.is_all_good_or_excellent,
    rated.is_all_excellent,
    rated.is_eligible,
    rated.is_increased,
    rated.scholarship_rate,
    {{ code_label_columns('rate_labels', 'rated.scholarship_rate', 'scholarship_rate') }},
    rated.ineligible_reason,
    {{ code_label_columns('reason_labels', 'rated.ineligible_reason', 'ineligible_reason') }},
    rated.term_seq
from rated
inner join students on rated.student_id = students.student_id
left join programs on rated.program_code = programs.program_code
left join status_history
    on
        rated.student_id = status_history.student_id
        and {{ contingent_period_in_force('rated.as_of_date', 'status_history') }}
left join labels as rate_labels
    on
        rate_labels.list = 'scholarship_rate'
        and rated.scholarship_rate = rate_labels.code
left join labels as reason_labels
    on
        reason_labels.list = 'scholarship_ineligible_reason'
        and rated.ineligible_reason = reason_labels.code
