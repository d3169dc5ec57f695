-- One row per student × academic year × term with results: the term's credits and GPA, and the
-- cumulative record through the end of that term.
with term_figures as (
    select * from {{ ref('int_student_terms_term') }}
),

cumulative as (
    select * from {{ ref('int_student_terms_cumulative') }}
),

terms as (
    select * from {{ ref('terms') }}
)

select
    term_figures.student_id,
    term_figures.academic_year,
    term_figures.term,
    {{ code_label_columns('terms', 'term_figures.term', 'term') }},
    term_figures.n_results,
    term_figures.credits_attempted,
    term_figures.credits_earned,
    term_figures.gpa_credits,
    term_figures.quality_points,
    term_figures.term_gpa,
    cumulative.cumulative_gpa,
    cumulative.cumulative_credits_attempted,
    cumulative.cumulative_credits_earned,
    cumulative.cumulative_gpa_credits,
    cumulative.cumulative_quality_points,
    cumulative.n_debts,
    term_figures.academic_year_start,
    term_figures.term_order,
    term_figures.term_seq,
    cumulative.cumulative_n_gpa_results,
    cumulative.cumulative_n_gpa_excellent,
    cumulative.cumulative_n_gpa_good_or_better,
    -- the student's n-th term with results, and whether it is their latest
    row_number() over (partition by term_figures.student_id order by term_figures.term_seq) as term_no,
    term_figures.term_seq = max(term_figures.term_seq) over (partition by term_figures.student_id) as is_latest_term
from term_figures
inner join cumulative
    on
        term_figures.student_id = cumulative.student_id
        and term_figures.term_seq = cumulative.term_seq
left join terms on term_figures.term = terms.term
