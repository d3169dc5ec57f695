-- One row per student: the cohort (intake) year, the course they entered at, and the
-- version of their programme's curriculum their record is read against.
with students as (
    select * from {{ ref('stg_ais__students') }}
    where {{ changed_students_only('student_id') }}
),

orders as (
    select * from {{ ref('stg_ais__orders') }}
    where {{ changed_students_only('student_id') }}
),

movement_types as (
    select * from {{ ref('movement_types') }}
),

curriculum as (
    select * from {{ ref('stg_ais__curriculum') }}
),

grades as (
    select * from {{ ref('stg_ais__grades') }}
    where {{ changed_students_only('student_id') }}
),

enrollments as (
    select * from {{ ref('stg_ais__enrollments') }}
    where {{ changed_students_only('student_id') }}
),

entry_orders as (
    -- orders that bring a student into the student body (movement_types.is_headcount_inflow),
    -- in the order the rector signed them
    select
        orders.student_id,
        orders.effective_date,
        orders.course,
        row_number() over (
            partition by orders.student_id
            order by
                orders.effective_date,
                orders.order_date,
                try_cast(regexp_extract(orders.order_no, '^[0-9]+') as integer),
                orders.order_no
        ) as entry_no
    from orders
    inner join movement_types on orders.movement = movement_types.movement
    where movement_types.is_headcount_inflow
),

first_entries as (
    -- the academic year of the first entry: an entry effective before the month-day of var
    -- intake_year_start_month_day (1 July) belongs to the academic year that started the year
    -- before, as in the contingent cohorts (fct_cohort_retention)
    select
        student_id,
        coalesce(course, 1) as entry_course,
        {{ contingent_intake_year('effective_date') }} as entry_year_start
    from entry_orders
    where entry_no = 1
),

first_activity as (
    -- fallback when no entry order places the student: the first year with a grade or registration
    select
        student_id,
        min(academic_year_start) as first_year_start
    from (
        select
            student_id,
            academic_year_start
        from grades
        union all
        select
            student_id,
            academic_year_start
        from enrollments
    ) as activity
    group by student_id
),

cohorts as (
    select
        students.student_id,
        students.program_code,
        coalesce(first_entries.entry_course, 1) as entry_course,
        coalesce(first_entries.entry_year_start, first_activity.first_year_start) as entry_year_start,
        case
            when first_entries.entry_year_start is not null then 'entry_order'
            when first_activity.first_year_start is not null then 'first_activity'
        end as entry_source
    from students
    left join first_entries on students.student_id = first_entries.student_id
    left join first_activity on students.student_id = first_activity.student_id
),

plans as (
    select distinct
        program_code,
        intake_year
    from curriculum
),

with_cohort as (
    select
        *,
        -- a student entering course 3 follows the plan of the cohort admitted two years earlier
        entry_year_start - (entry_course - 1) as cohort_year
    from cohorts
),

assigned as (
    -- the plan of the cohort year, else the latest earlier plan, else the earliest plan
    select
        with_cohort.student_id,
        coalesce(
            max(plans.intake_year) filter (where plans.intake_year <= with_cohort.cohort_year),
            min(plans.intake_year)
        ) as curriculum_intake_year
    from with_cohort
    left join plans on with_cohort.program_code = plans.program_code
    group by with_cohort.student_id
)

select
    with_cohort.student_id,
    with_cohort.program_code,
    with_cohort.entry_year_start,
    with_cohort.entry_course,
    with_cohort.entry_source,
    with_cohort.cohort_year,
    assigned.curriculum_intake_year
from with_cohort
inner join assigned on with_cohort.student_id = assigned.student_id
