-- One row per grade sheet: teacher × discipline × academic year × term of the first-attempt
-- session results (rules B27), with how many results were recorded after the term's exam period
-- ended and how late (days). Retakes are left out: they have their own dates after the session.
with grades as (
    select * from {{ ref('fct_grades') }}
),

enrollments as (
    select * from {{ ref('fct_enrollments') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

term_labels as (
    select * from {{ ref('terms') }}
),

results as (
    select
        grades.discipline_code,
        grades.academic_year,
        grades.term,
        {{ code_label_columns('term_labels', 'grades.term', 'term') }},
        grades.term_seq,
        enrollments.teacher_id,
        terms.exams_end_on,
        grades.graded_on,
        greatest(date_diff('day', terms.exams_end_on, grades.graded_on), 0) as days_late
    from grades
    inner join terms
        on
            grades.academic_year = terms.academic_year
            and grades.term = terms.term
    left join enrollments
        on
            grades.student_id = enrollments.student_id
            and grades.discipline_code = enrollments.discipline_code
            and grades.academic_year = enrollments.academic_year
            and grades.term = enrollments.term
    left join term_labels on grades.term = term_labels.term
    where
        grades.source = 'session'
        and grades.is_first_in_term
        and terms.exams_end_on is not null
        and grades.graded_on is not null
)

select
    results.teacher_id,
    results.discipline_code,
    results.academic_year,
    results.term,
    results.term_label_kk,
    results.term_label_ru,
    results.term_label_en,
    results.term_seq,
    results.exams_end_on,
    count(*) as n_results,
    count(*) filter (where results.days_late > 0) as n_late,
    max(results.days_late) as max_days_late,
    avg(results.days_late) filter (where results.days_late > 0) as mean_days_late,
    max(results.graded_on) as last_graded_on
from results
group by all
