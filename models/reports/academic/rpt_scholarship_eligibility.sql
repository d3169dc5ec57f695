-- One row per regular session (academic year × term 1 or 2) × student with first-attempt
-- session results: whether the state scholarship is due after the session, and at which level
-- (rules B11).
with attempts as (
    select * from {{ ref('fct_grades') }}
    where source = 'session' and is_first_in_term
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
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
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
)

select
    assessed.academic_year,
    assessed.term,
    assessed.student_id,
    students.full_name,
    assessed.program_code,
    programs.faculty_code,
    students.group_code,
    assessed.funding,
    assessed.status,
    assessed.n_results,
    assessed.n_graded,
    assessed.n_excellent,
    assessed.n_good_or_excellent,
    assessed.n_below_good,
    assessed.n_pass,
    assessed.is_state_grant,
    assessed.is_active,
    assessed.is_all_good_or_excellent,
    assessed.is_all_excellent,
    assessed.is_state_grant and assessed.is_active and assessed.is_all_good_or_excellent as is_eligible,
    assessed.is_state_grant and assessed.is_active and assessed.is_all_excellent as is_increased,
    case
        when not assessed.is_state_grant then 'not_state_grant'
        when not assessed.is_active then 'not_active'
        when assessed.n_graded = 0 then 'no_graded_results'
        when not assessed.is_all_good_or_excellent then 'grade_below_good'
    end as ineligible_reason,
    assessed.term_seq
from assessed
inner join students on assessed.student_id = students.student_id
left join programs on assessed.program_code = programs.program_code
