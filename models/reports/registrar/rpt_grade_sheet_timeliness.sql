-- One row per grade sheet: teacher × discipline × academic year × term of the first-attempt
-- session results (rules B27), with how many results were recorded after the term's exam period
-- ended and how late (days). Retakes are left out: they have their own dates after the session.
-- It counts the first attempts int_sittings_placed places; a nightly build counts again only the
-- sheets a changed student's rows fall in (rules C8, macros/incremental_keys.sql).
with sittings as (
    select * from {{ ref('int_sittings_placed') }}
    where {{ changed_keys_only('int_sittings_placed') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

term_labels as (
    select * from {{ ref('terms') }}
),

sheets as (
    -- a term has one exam period: its last day and the term's place are one per sheet
    select
        sittings.teacher_id,
        sittings.discipline_code,
        sittings.academic_year,
        sittings.term,
        min(sittings.term_seq) as term_seq,
        min(terms.exams_end_on) as exams_end_on,
        count(*) as n_results,
        count(*) filter (where sittings.graded_on > terms.exams_end_on) as n_late,
        max(greatest(date_diff('day', terms.exams_end_on, sittings.graded_on), 0)) as max_days_late,
        avg(date_diff('day', terms.exams_end_on, sittings.graded_on)) filter (
            where sittings.graded_on > terms.exams_end_on
        ) as mean_days_late,
        max(sittings.graded_on) as last_graded_on
    from sittings
    inner join terms
        on
            sittings.academic_year = terms.academic_year
            and sittings.term = terms.term
    where terms.exams_end_on is not null and sittings.graded_on is not null
    group by sittings.teacher_id, sittings.discipline_code, sittings.academic_year, sittings.term
)

select
    sheets.teacher_id,
    sheets.discipline_code,
    sheets.academic_year,
    sheets.term,
    {{ code_label_columns('term_labels', 'sheets.term', 'term') }},
    sheets.term_seq,
    sheets.exams_end_on,
    sheets.n_results,
    sheets.n_late,
    sheets.max_days_late,
    sheets.mean_days_late,
    sheets.last_graded_on
from sheets
left join term_labels on sheets.term = term_labels.term
