-- One row per result in the record with its place among the student's attempts at the
-- discipline: terms ordered 1, 2, summer within an academic year, then the attempt number.
with results as (
    select * from {{ ref('int_grades_unioned') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by student_id, discipline_code
            order by term_seq, attempt
        ) as attempt_seq,
        count(*) over (partition by student_id, discipline_code) as n_attempts,
        row_number() over (
            partition by student_id, discipline_code, term_seq
            order by attempt
        ) as attempt_in_term,
        count(*) over (partition by student_id, discipline_code, term_seq) as n_attempts_in_term,
        -- the first later term with an attempt at the discipline: from then on this term's
        -- result no longer counts in cumulative figures
        min(term_seq) over (
            partition by student_id, discipline_code
            order by term_seq
            range between 1 following and unbounded following
        ) as next_attempt_term_seq
    from results
)

select
    *,
    -- B6: a later attempt (FX retake, re-study, summer term) supersedes earlier ones
    attempt_seq < n_attempts as is_superseded,
    attempt_in_term = 1 as is_first_in_term,
    -- term GPA uses the last attempt within the term
    attempt_in_term = n_attempts_in_term as is_last_in_term
from ranked
