-- One row per academic year × term that the calendar or any record names: the term's order
-- (rules B6), whether it is a regular semester, its labels and its calendar dates.
with calendar as (
    select * from {{ ref('stg_ais__calendar') }}
),

terms as (
    select * from {{ ref('terms') }}
),

grades as (
    select * from {{ ref('stg_ais__grades') }}
),

recognitions as (
    select * from {{ ref('stg_ais__recognitions') }}
),

enrollments as (
    select * from {{ ref('stg_ais__enrollments') }}
),

named as (
    -- a term with results but no calendar row is still a term of the record
    select
        academic_year,
        term
    from calendar
    union
    select
        academic_year,
        term
    from grades
    union
    select
        academic_year,
        term
    from recognitions
    union
    select
        academic_year,
        term
    from enrollments
)

select
    named.academic_year,
    named.term,
    cast(left(named.academic_year, 4) as integer) as academic_year_start,
    terms.term_order,
    {{ academic_term_seq('cast(left(named.academic_year, 4) as integer)', 'terms.term_order') }} as term_seq,
    terms.is_regular_semester,
    terms.label_kk,
    terms.label_ru,
    terms.label_en,
    calendar.starts_on,
    calendar.ends_on,
    calendar.exams_start_on,
    calendar.exams_end_on,
    calendar.academic_year is not null as is_in_calendar,
    graded.term is not null as has_grades
from named
-- a term code the seed lacks stays, with no order (the configuration tests name it)
left join terms on named.term = terms.term
left join calendar
    on
        named.academic_year = calendar.academic_year
        and named.term = calendar.term
left join (select distinct
    academic_year,
    term
from grades) as graded
    on
        named.academic_year = graded.academic_year
        and named.term = graded.term
