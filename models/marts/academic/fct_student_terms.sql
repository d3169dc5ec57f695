-- One row per student × academic year × term with results: the term's credits and GPA, and the
-- cumulative record through the end of that term (rules B6-B8).
-- Both come from each discipline's last attempt within a term: the term's own figures from the
-- term's, and the record through a term as a running sum over the student's terms of what each
-- term's results add minus what they replace (a result stands from its term until
-- next_attempt_term_seq, the first later term with an attempt at the discipline), so no term is
-- joined to every earlier result.
with attempts as (
    select * from {{ ref('int_attempts_ranked') }}
    where is_last_in_term and {{ changed_students_only('student_id') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

terms as (
    select * from {{ ref('terms') }}
),

standing as (
    select
        attempts.student_id,
        attempts.academic_year,
        attempts.academic_year_start,
        attempts.term,
        attempts.term_order,
        attempts.term_seq,
        attempts.next_attempt_term_seq,
        attempts.credits,
        attempts.grade_points,
        attempts.counts_in_gpa,
        attempts.is_passed,
        coalesce(traditional_grades.counts_as_quality, false) as counts_as_quality,
        coalesce(traditional_grades.is_excellent, false) as is_excellent
    from attempts
    left join traditional_grades on attempts.traditional_grade = traditional_grades.traditional_grade
),

term_figures as (
    -- the term's own figures, and what its results add to the record
    select
        student_id,
        academic_year,
        academic_year_start,
        term,
        term_order,
        term_seq,
        {{ academic_record_totals(gpa_name='term_gpa', failed_name='n_failed') }},
        {{ academic_record_changes(prefix='added_') }}
    from standing
    group by student_id, academic_year, academic_year_start, term, term_order, term_seq
),

replaced as (
    -- what leaves the record in the term in which a later attempt replaces a result
    select
        student_id,
        next_attempt_term_seq as term_seq,
        {{ academic_record_changes() }}
    from standing
    where next_attempt_term_seq is not null
    group by student_id, next_attempt_term_seq
),

cumulative as (
    -- the record through the end of each term: each discipline's result standing then
    select
        term_figures.*,
        {{ academic_record_through_term('n_credits') }} as running_n_credits,
        {{ academic_record_through_term('credits') }} as running_credits,
        {{ academic_record_through_term('credits_earned') }} as running_credits_earned,
        {{ academic_record_through_term('gpa_credits') }} as running_gpa_credits,
        {{ academic_record_through_term('quality_points') }} as running_quality_points,
        {{ academic_record_through_term('n_quality_points') }} as running_n_quality_points,
        {{ academic_record_through_term('n_failed') }} as running_n_failed,
        {{ academic_record_through_term('n_gpa_results') }} as running_n_gpa_results,
        {{ academic_record_through_term('n_gpa_excellent') }} as running_n_gpa_excellent,
        {{ academic_record_through_term('n_gpa_good_or_better') }} as running_n_gpa_good_or_better,
        -- the student's n-th term with results, and whether it is their latest
        row_number() over through_term as term_no,
        term_figures.term_seq = max(term_figures.term_seq) over (partition by term_figures.student_id)
            as is_latest_term
    from term_figures
    left join replaced
        on
            term_figures.student_id = replaced.student_id
            and term_figures.term_seq = replaced.term_seq
    window through_term as (
        partition by term_figures.student_id order by term_figures.term_seq
        rows between unbounded preceding and current row
    )
)

select
    cumulative.student_id,
    cumulative.academic_year,
    cumulative.term,
    {{ code_label_columns('terms', 'cumulative.term', 'term') }},
    cumulative.n_results,
    cumulative.credits_attempted,
    cumulative.credits_earned,
    cumulative.gpa_credits,
    cumulative.quality_points,
    cumulative.term_gpa,
    -- B7 over the standing results that count in GPA; null when none has quality points
    {{ academic_gpa(
        'case when cumulative.running_n_quality_points > 0 then cumulative.running_quality_points end',
        'cumulative.running_gpa_credits'
    ) }} as cumulative_gpa,
    -- B8: credits of the standing results; earned: those passed
    case when cumulative.running_n_credits > 0 then cumulative.running_credits end
        as cumulative_credits_attempted,
    cumulative.running_credits_earned as cumulative_credits_earned,
    cumulative.running_gpa_credits as cumulative_gpa_credits,
    cumulative.running_quality_points as cumulative_quality_points,
    -- academic debts: F / FX (or a failed pass/fail) not yet superseded at the end of the term
    cast(cumulative.running_n_failed as bigint) as n_debts,
    cumulative.academic_year_start,
    cumulative.term_order,
    cumulative.term_seq,
    -- for the tie rules of the vacant-grant competition (rules A5): how many of the results in
    -- GPA are excellent, and how many good or better
    cast(cumulative.running_n_gpa_results as bigint) as cumulative_n_gpa_results,
    cast(cumulative.running_n_gpa_excellent as bigint) as cumulative_n_gpa_excellent,
    cast(cumulative.running_n_gpa_good_or_better as bigint) as cumulative_n_gpa_good_or_better,
    cumulative.term_no,
    cumulative.is_latest_term
from cumulative
left join terms on cumulative.term = terms.term
