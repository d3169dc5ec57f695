-- One row per result in the record with its place among the student's attempts at the
-- discipline: terms ordered 1, 2, summer within an academic year, then the attempt number.
-- Every figure comes from one sort of the student's attempts at the discipline: `by_attempt`
-- orders them, and `by_term` (the same partition, ordered by its prefix) groups a term's
-- attempts as peers, so DuckDB computes all five in a single window pass.
with results as (
    select * from {{ ref('int_grades_unioned') }}
    -- the students named: a view over the scoring's joins (macros/incremental_students.sql)
    where {{ changed_students_only('student_id', named=true) }}
),

ranked as (
    select
        *,
        row_number() over by_attempt as attempt_seq,
        count(*) over (
            by_attempt rows between unbounded preceding and unbounded following
        ) as n_attempts,
        row_number() over by_attempt
        - count(*) over (
            by_term groups between unbounded preceding and 1 preceding
        ) as attempt_in_term,
        count(*) over (
            by_term groups between current row and current row
        ) as n_attempts_in_term,
        -- the first later term with an attempt at the discipline: from then on this term's
        -- result no longer counts in cumulative figures
        min(term_seq) over (
            by_term range between 1 following and unbounded following
        ) as next_attempt_term_seq
    from results
    window
        by_attempt as (partition by student_id, discipline_code order by term_seq, attempt),
        by_term as (partition by student_id, discipline_code order by term_seq)
)

select
    *,
    -- B6: a later attempt (FX retake, re-study, summer term) supersedes earlier ones
    attempt_seq < n_attempts as is_superseded,
    attempt_in_term = 1 as is_first_in_term,
    -- term GPA uses the last attempt within the term
    attempt_in_term = n_attempts_in_term as is_last_in_term
from ranked
-- stored by student: one student's rows then sit in a few row groups, which DuckDB's min/max
-- per row group finds without scanning the rest (the Student page's transcript reads one
-- student's rows through fct_grades; at 600,000 students 165 ms unsorted, a few ms sorted)
order by student_id
