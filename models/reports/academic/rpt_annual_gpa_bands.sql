-- One row per academic year, faculty and band of cumulative GPA: the students studying at the end of the
-- year (the last regular term of the year in which they have a result) by their cumulative GPA then
-- (the annual report's GPA distribution, statute 6.1; docs/rules.md B33).
with student_terms as (
    select * from {{ ref('fct_student_terms') }}
),

standing as (
    select * from {{ ref('fct_student_term_standing') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

band_starts as (
    select
        unnest({{ var('annual_report_gpa_band_starts') }}::double[]) as band_from
),

bands as (
    select
        band_from,
        lead(band_from) over (order by band_from) as band_to,
        row_number() over (order by band_from) as band_order
    from band_starts
),

year_end_terms as (
    -- the last regular term of each academic year
    select
        academic_year,
        max(term_order) as term_order
    from terms
    where is_regular_semester
    group by academic_year
),

studying as (
    select
        student_terms.academic_year,
        programs.faculty_code,
        student_terms.cumulative_gpa
    from student_terms
    inner join year_end_terms
        on
            student_terms.academic_year = year_end_terms.academic_year
            and student_terms.term_order = year_end_terms.term_order
    inner join standing
        on
            student_terms.student_id = standing.student_id
            and student_terms.term_seq = standing.term_seq
    inner join statuses on standing.status = statuses.status
    left join programs on standing.program_code = programs.program_code
    where statuses.is_studying and student_terms.cumulative_gpa is not null
),

banded as (
    select
        studying.academic_year,
        studying.faculty_code,
        bands.band_order,
        bands.band_from,
        bands.band_to
    from studying
    inner join bands
        on
            studying.cumulative_gpa >= bands.band_from
            and (bands.band_to is null or studying.cumulative_gpa < bands.band_to)
)

select
    academic_year,
    faculty_code,
    band_order::bigint as band_order,
    band_from::double as band_from,
    band_to::double as band_to,
    count(*)::bigint as n_students
from banded
group by academic_year, faculty_code, band_order, band_from, band_to
