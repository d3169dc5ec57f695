-- One row per recognition line × failed check (rule 4.1.16): what is wrong with the protocol
-- line, so the registrar can correct the protocol in the AIS. Such a line does not count in
-- the record (nor, with recognition_issue_scope = protocol, do the student's other lines of
-- the same protocol, listed here as protocol_has_other_issues).
with checked as (
    select * from {{ ref('fct_recognition_lines') }}
    where not is_counted
),

issue_types as (
    select * from {{ ref('recognition_issue_types') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

issues as (
    select
        *,
        'credits_mismatch' as issue_code,
        'protocol ' || credits || ' credits, discipline ' || discipline_credits || ' credits' as details
    from checked
    where is_credits_mismatch
    union all
    select
        *,
        'not_in_curriculum' as issue_code,
        discipline_code || ' is not in the curriculum of the student''s programme' as details
    from checked
    where is_not_in_curriculum
    union all
    select
        *,
        'score_out_of_range' as issue_code,
        'score ' || given_score as details
    from checked
    where is_score_out_of_range
    union all
    select
        *,
        'already_passed' as issue_code,
        discipline_code || ' was passed before this protocol' as details
    from checked
    where is_already_passed
    union all
    select
        *,
        'same_term_as_session_result' as issue_code,
        'a session result exists in ' || academic_year || ' term ' || term as details
    from checked
    where is_same_term_as_session_result
    union all
    select
        *,
        'recognised_twice_in_term' as issue_code,
        'an earlier protocol recognised it in ' || academic_year || ' term ' || term as details
    from checked
    where is_recognised_twice_in_term
    union all
    select
        *,
        'protocol_has_other_issues' as issue_code,
        'another line of protocol ' || protocol_no || ' fails a check' as details
    from checked
    where is_voided_by_protocol
)

select
    issues.protocol_no,
    issues.protocol_date,
    issues.student_id,
    students.full_name,
    students.program_code,
    issues.discipline_code,
    issues.academic_year,
    issues.term,
    issues.issue_code,
    issue_types.rule,
    issue_types.label_kk,
    issue_types.label_ru,
    issue_types.label_en,
    issues.details,
    issues.credits,
    issues.discipline_credits,
    issues.given_score,
    issues.origin,
    issues.source_row
from issues
inner join issue_types on issues.issue_code = issue_types.issue_code
inner join students on issues.student_id = students.student_id
