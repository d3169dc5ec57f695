-- One row per quarter × state-grant student × faculty scope (rules B21): the accounting
-- department's quarterly list. A student's row sums the periods of rpt_state_grant_credit_periods
-- (clipped to the quarter) once over every faculty (faculty_code null) and once per faculty the
-- periods were in, so the list of one faculty counts only that faculty's periods; programme and
-- course are those of the last period in the scope; credits are those mastered in the quarter and
-- up to its end (rpt_credits_mastered), whatever the faculty.
with periods as (
    select * from {{ ref('rpt_state_grant_credit_periods') }}
),

mastered as (
    select * from {{ ref('rpt_credits_mastered') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

scoped as (
    -- each period twice: in the every-faculty scope (null) and in its own faculty's
    select
        periods.*,
        null::varchar as faculty_scope
    from periods
    union all
    select
        periods.*,
        periods.faculty_code as faculty_scope
    from periods
    where periods.faculty_code is not null
),

days as (
    select
        quarter,
        faculty_scope,
        student_id,
        min(period_from) as first_day,
        max(period_to) as last_day,
        sum(date_diff('day', period_from, period_to) + 1)::integer as n_days,
        count(*) as n_periods,
        -- programme and course of the last period in the scope
        arg_max(program_code, valid_from) as program_code,
        arg_max(course, valid_from) as course
    from scoped
    group by quarter, faculty_scope, student_id
),

listed as (
    select distinct
        quarter,
        quarter_start,
        quarter_end,
        student_id,
        full_name
    from periods
),

credits_by_quarter as (
    select
        student_id,
        date_trunc('quarter', mastered_on)::date as mastered_quarter,
        sum(credits) as credits
    from mastered
    group by student_id, mastered_quarter
),

credits as (
    -- mastered in the quarter, and up to its end
    select
        listed.quarter,
        listed.student_id,
        coalesce(sum(credits_by_quarter.credits) filter (
            where credits_by_quarter.mastered_quarter = listed.quarter_start
        ), 0) as credits_quarter,
        coalesce(sum(credits_by_quarter.credits), 0) as credits_total
    from listed
    left join credits_by_quarter
        on
            listed.student_id = credits_by_quarter.student_id
            and listed.quarter_start >= credits_by_quarter.mastered_quarter
    group by listed.quarter, listed.student_id
)

select
    listed.quarter,
    listed.quarter_start,
    listed.quarter_end,
    days.faculty_scope as faculty_code,
    listed.student_id,
    listed.full_name,
    days.program_code,
    programs.name_kk as program_name_kk,
    programs.name_ru as program_name_ru,
    programs.name_en as program_name_en,
    days.course,
    days.first_day,
    days.last_day,
    days.n_days,
    days.n_periods,
    credits.credits_quarter,
    credits.credits_total
from days
inner join listed
    on
        days.quarter = listed.quarter
        and days.student_id = listed.student_id
inner join credits
    on
        days.quarter = credits.quarter
        and days.student_id = credits.student_id
left join programs on days.program_code = programs.program_code
