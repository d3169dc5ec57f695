-- Feed of the expectation suite faculty_headcount_jumps. Month ends before the academic
-- calendar of the extract are left out: before it the contingent holds only the students
-- still present later, so it ramps up. Faculties below var headcount_jump_min_base are left
-- out too: a few students make a large share.
with monthly as (
    select * from {{ ref('fct_contingent_monthly') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

faculty_months as (
    select
        monthly.faculty_code,
        monthly.snapshot_date,
        sum(monthly.headcount) as headcount
    from monthly
    where
        monthly.is_month_end
        and monthly.snapshot_date >= (select min(terms.starts_on) as first_day from terms)
    group by monthly.faculty_code, monthly.snapshot_date
),

changes as (
    select
        faculty_code,
        snapshot_date,
        headcount,
        lag(headcount) over (partition by faculty_code order by snapshot_date) as previous_headcount
    from faculty_months
)

select
    faculty_code,
    snapshot_date,
    headcount,
    previous_headcount,
    -- signed: a rise is positive, a drop negative, so that the suite bounds each direction
    (headcount - previous_headcount) / previous_headcount as jump_share
from changes
where previous_headcount >= {{ var('headcount_jump_min_base') }}
