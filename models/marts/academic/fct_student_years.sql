-- One row per student × academic year with results: the year's transfer GPA (each
-- discipline's last attempt within the year, terms 1, 2 and summer) and the course the student
-- was on, approximated from the curriculum semesters of the disciplines taken that year.
with attempts as (
    select * from {{ ref('int_attempts_ranked') }}
    where {{ changed_students_only('student_id') }}
),

plans as (
    select * from {{ ref('int_student_plans') }}
    where {{ changed_students_only('student_id') }}
),

plan_semesters as (
    select * from {{ ref('int_student_plan_disciplines') }}
    where {{ changed_students_only('student_id') }}
),

terms as (
    select * from {{ ref('terms') }}
),

last_in_year as (
    -- a discipline's last attempt in the year is the last of its term when no later term of the
    -- same year has an attempt at it: read from int_attempts_ranked's flags, with no sort of its own
    -- (B6's term_seq of the next year's start, before its first term, bounds this year's terms)
    select
        *,
        is_last_in_term
        and coalesce(
            next_attempt_term_seq > {{ academic_term_seq('(academic_year_start + 1)', 0) }}, true
        ) as is_last_in_year
    from attempts
),

year_figures as (
    select
        student_id,
        academic_year,
        academic_year_start,
        {{ academic_record_totals(gpa_name='year_gpa', failed_name='n_failed') }}
    from last_in_year
    where is_last_in_year
    group by student_id, academic_year, academic_year_start
),

course_votes as (
    -- each first attempt of a regular semester votes for the course of its curriculum semester
    select
        attempts.student_id,
        attempts.academic_year,
        cast(ceil(plan_semesters.semester_no / 2) as integer) as course,
        count(*) as n_votes
    from attempts
    inner join terms on attempts.term = terms.term
    inner join plan_semesters
        on
            attempts.student_id = plan_semesters.student_id
            and attempts.discipline_code = plan_semesters.discipline_code
    where terms.is_regular_semester and attempts.is_first_in_term
    group by attempts.student_id, attempts.academic_year, cast(ceil(plan_semesters.semester_no / 2) as integer)
),

curriculum_course as (
    -- the course most of the year's disciplines belong to (ties: the higher course)
    select
        student_id,
        academic_year,
        arg_max(course, n_votes * 100 + course) as course
    from course_votes
    group by student_id, academic_year
)

select
    year_figures.*,
    coalesce(
        curriculum_course.course,
        plans.entry_course + year_figures.academic_year_start - plans.entry_year_start
    ) as course,
    case
        when curriculum_course.course is not null then 'curriculum'
        when plans.entry_year_start is not null then 'entry'
    end as course_source
from year_figures
left join curriculum_course
    on
        year_figures.student_id = curriculum_course.student_id
        and year_figures.academic_year = curriculum_course.academic_year
left join plans on year_figures.student_id = plans.student_id
