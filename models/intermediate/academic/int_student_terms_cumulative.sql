-- One row per student × academic year × term with results: the record through the end of
-- that term, read from each discipline's last attempt up to and including it (rules B6–B8).
with attempts as (
    select * from {{ ref('int_attempts_ranked') }}
    where is_last_in_term
),

student_terms as (
    select * from {{ ref('int_student_terms_term') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

standing as (
    -- each discipline's result that stands at the end of the term: attempted by then and not
    -- yet replaced by an attempt of a later term
    select
        student_terms.student_id,
        student_terms.term_seq,
        attempts.credits,
        attempts.grade_points,
        attempts.counts_in_gpa,
        attempts.is_passed,
        attempts.traditional_grade,
        coalesce(traditional_grades.counts_as_quality, false) as counts_as_quality,
        coalesce(traditional_grades.is_excellent, false) as is_excellent
    from student_terms
    inner join attempts
        on
            student_terms.student_id = attempts.student_id
            and student_terms.term_seq >= attempts.term_seq
            and (
                attempts.next_attempt_term_seq is null
                or student_terms.term_seq < attempts.next_attempt_term_seq
            )
    left join traditional_grades on attempts.traditional_grade = traditional_grades.traditional_grade
)

select
    student_id,
    term_seq,
    -- academic debts (n_debts): F / FX (or a failed pass/fail) not yet superseded at the end of the term
    {{ academic_record_totals(prefix='cumulative_', gpa_name='cumulative_gpa', failed_name='n_debts') }},
    -- for the tie rules of the vacant-grant competition (rules A5): how many of the results in
    -- GPA are excellent, and how many good or better
    count(*) filter (where counts_in_gpa) as cumulative_n_gpa_results,
    count(*) filter (where counts_in_gpa and is_excellent) as cumulative_n_gpa_excellent,
    count(*) filter (where counts_in_gpa and counts_as_quality) as cumulative_n_gpa_good_or_better
from standing
group by student_id, term_seq
