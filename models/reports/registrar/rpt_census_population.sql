-- What the statistical forms count (rules B20): on each census date, the students enrolled that day
-- by status (fct_contingent_monthly) and the order lines effective in the year up to it
-- (fct_contingent_movements), each grouped by every attribute a form's layout may filter on.
with monthly as (
    select * from {{ ref('fct_contingent_monthly') }}
),

movements as (
    select * from {{ ref('fct_contingent_movements') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

census_rows as (
    select * from monthly
    where is_census_date
),

census_dates as (
    select distinct snapshot_date as census_date from census_rows
),

census_by_status as (
    -- the n_<status> counts of the mart as one row per status (the statuses of seed contingent_statuses)
    unpivot census_rows
    on columns('^n_')
    into name status_column value n
),

census as (
    select
        census_by_status.snapshot_date as census_date,
        'census' as measure,
        census_by_status.faculty_code,
        census_by_status.level,
        programs.program_group,
        census_by_status.program_code,
        census_by_status.course,
        census_by_status.study_form,
        census_by_status.study_language,
        census_by_status.funding,
        census_by_status.gender,
        census_by_status.citizenship_group,
        census_by_status.age_band,
        statuses.status,
        statuses.counts_in_headcount as in_headcount,
        null as movement,
        null as reason,
        census_by_status.n
    from census_by_status
    inner join statuses on census_by_status.status_column = 'n_' || statuses.status
    left join programs on census_by_status.program_code = programs.program_code
    where census_by_status.n > 0
),

movements_in_year as (
    -- the year of a census date: from the day after the previous year's census date up to it
    select
        census_dates.census_date,
        movements.*
    from movements
    inner join census_dates
        on
            movements.effective_date > census_dates.census_date - interval 1 year
            and movements.effective_date <= census_dates.census_date
    where not movements.is_before_entry
),

movement_items as (
    -- a line is described by the student's state after it (for an exit: the state they left in)
    select
        movements_in_year.census_date,
        'movement' as measure,
        programs.faculty_code,
        programs.level,
        programs.program_group,
        programs.program_code,
        coalesce(movements_in_year.course_after, movements_in_year.course_before) as course,
        coalesce(movements_in_year.study_form_after, movements_in_year.study_form_before) as study_form,
        coalesce(movements_in_year.study_language_after, movements_in_year.study_language_before)
            as study_language,
        coalesce(movements_in_year.funding_after, movements_in_year.funding_before) as funding,
        students.gender,
        students.citizenship_group,
        -- age on the census date
        {{ contingent_age_band(contingent_age_on('students.birth_date', 'movements_in_year.census_date')) }}
            as age_band,
        movements_in_year.status_after as status,
        null as in_headcount,
        movements_in_year.movement,
        movements_in_year.reason
    from movements_in_year
    left join programs
        on coalesce(movements_in_year.program_code_after, movements_in_year.program_code_before) = programs.program_code
    left join students on movements_in_year.student_id = students.student_id
),

movement_counts as (
    select
        *,
        count(*) as n
    from movement_items
    group by all
),

items as (
    select * from census
    union all by name
    select * from movement_counts
),

final as (
    select
        -- an id of the combination, for the layout evaluation (stable for the same data)
        row_number() over (
            order by
                census_date, measure, faculty_code, level, program_group, program_code, course, study_form,
                study_language, funding, gender, citizenship_group, age_band, status, in_headcount, movement,
                reason
        ) as item_id,
        census_date,
        year(census_date) as census_year,
        measure,
        faculty_code,
        level,
        program_group,
        program_code,
        course,
        study_form,
        study_language,
        funding,
        gender,
        citizenship_group,
        age_band,
        status,
        in_headcount,
        movement,
        reason,
        n
    from items
)

select * from final
