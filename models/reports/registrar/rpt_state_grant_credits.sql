-- One row per quarter × state-grant student × faculty scope (rules B21): the accounting
-- department's quarterly list. A student's row sums the periods of rpt_state_grant_credit_periods
-- (clipped to the quarter) once over every faculty (faculty_code null) and once per faculty the
-- periods were in, so the list of one faculty counts only that faculty's periods; programme and
-- course are those of the last period in the scope; credits are those mastered in the quarter and
-- up to its end (rpt_credits_mastered), whatever the faculty.
with periods as (
    select * from {{ ref('rpt_state_grant_credit_periods') }}
    where {{ changed_students_only('student_id') }}
),

mastered as (
    select * from {{ ref('rpt_credits_mastered') }}
    where {{ changed_students_only('student_id') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

student_credits as (
    -- each student's credits by the quarter they were mastered in, as one list (a credit without a date
    -- counts in no quarter)
    select
        student_id,
        list({ 'mastered_quarter': mastered_quarter, 'credits': credits } order by mastered_quarter) as by_quarter
    from (
        select
            student_id,
            date_trunc('quarter', mastered_on)::date as mastered_quarter,
            sum(credits) as credits
        from mastered
        where mastered_on is not null
        group by student_id, mastered_quarter
    ) as quarter_sums
    group by student_id
),

faculty_days as (
    -- each quarter, student and faculty of the student's periods (a quarter's dates and the student's
    -- name are one per quarter and student)
    select
        quarter,
        quarter_start,
        quarter_end,
        student_id,
        full_name,
        faculty_code,
        min(period_from) as first_day,
        max(period_to) as last_day,
        sum(date_diff('day', period_from, period_to) + 1) as n_days,
        count(*) as n_periods,
        -- programme and course of the last period in the faculty
        max(valid_from) as last_valid_from,
        arg_max(program_code, valid_from) as program_code,
        arg_max(course, valid_from) as course
    from periods
    group by quarter, quarter_start, quarter_end, student_id, full_name, faculty_code
),

credited_faculty_days as (
    -- the credits mastered in the quarter, and up to its end: of the student's quarters with credits
    -- up to this one (in order), the sum, and the last one's if it is this quarter
    select
        filtered.*,
        coalesce(list_sum([c.credits for c in filtered.credits_to_date]), 0) as credits_total,
        case
            when filtered.credits_to_date[-1].mastered_quarter = filtered.quarter_start
                then filtered.credits_to_date[-1].credits
            else 0
        end as credits_quarter
    from (
        select
            faculty_days.*,
            -- c: an element of the list (sqlfluff takes it for a table)
            [
                c for c in student_credits.by_quarter  -- noqa: RF01, RF02
                if c.mastered_quarter <= faculty_days.quarter_start  -- noqa: RF01
            ] as credits_to_date
        from faculty_days
        left join student_credits on faculty_days.student_id = student_credits.student_id
    ) as filtered
),

days as (
    -- the university-wide scope (faculty_scope null) sums a student's faculties of the quarter ...
    select
        quarter,
        quarter_start,
        quarter_end,
        student_id,
        full_name,
        null::varchar as faculty_scope,
        min(first_day) as first_day,
        max(last_day) as last_day,
        sum(n_days)::integer as n_days,
        sum(n_periods)::bigint as n_periods,
        -- programme and course of the last period of all
        arg_max(program_code, last_valid_from) as program_code,
        arg_max(course, last_valid_from) as course,
        -- the same in every faculty
        any_value(credits_quarter) as credits_quarter,
        any_value(credits_total) as credits_total
    from credited_faculty_days
    group by quarter, quarter_start, quarter_end, student_id, full_name
    union all
    -- ... and a faculty's scope only its periods (a period without a faculty is in no faculty's list)
    select
        quarter,
        quarter_start,
        quarter_end,
        student_id,
        full_name,
        faculty_code as faculty_scope,
        first_day,
        last_day,
        n_days::integer as n_days,
        n_periods,
        program_code,
        course,
        credits_quarter,
        credits_total
    from credited_faculty_days
    where faculty_code is not null
)

select
    days.quarter,
    days.quarter_start,
    days.quarter_end,
    days.faculty_scope as faculty_code,
    days.student_id,
    days.full_name,
    days.program_code,
    programs.name_kk as program_name_kk,
    programs.name_ru as program_name_ru,
    programs.name_en as program_name_en,
    days.course,
    days.first_day,
    days.last_day,
    days.n_days,
    days.n_periods,
    days.credits_quarter,
    days.credits_total
from days
left join programs on days.program_code = programs.program_code
