-- What the statistical forms count (rules B20): on each census date, the students enrolled that day
-- by status (their period of fct_student_status_history in force that day, as fct_contingent_monthly
-- counts them) and the order lines effective in the year up to it (fct_contingent_movements), each
-- grouped by every attribute a form's layout may filter on. Ages are the forms' own bands (vars
-- stat_form_age_band_starts, stat_form_age_top_band_from).
with monthly as (
    select * from {{ ref('fct_contingent_monthly') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
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

fundings as (
    select * from {{ ref('fundings') }}
),

census_dates as (
    select distinct snapshot_date as census_date from monthly
    where is_census_date
),

census_items as (
    -- every student enrolled on a census date, in the period in force that day (rules B10)
    select
        census_dates.census_date,
        'census' as measure,
        status_history.faculty_code,
        status_history.level,
        programs.program_group,
        status_history.program_code,
        status_history.course,
        status_history.study_form,
        status_history.study_language,
        status_history.funding,
        fundings.is_state_grant as state_grant,
        students.gender,
        students.citizenship_group,
        students.admission_basis,
        -- age on the census date
        {{ stat_form_age_band(contingent_age_on('students.birth_date', 'census_dates.census_date')) }}
            as age_band,
        status_history.status,
        status_history.counts_in_headcount as in_headcount,
        null as movement,
        null as reason
    from census_dates
    inner join status_history
        on {{ contingent_period_in_force('census_dates.census_date', 'status_history') }}
    left join programs on status_history.program_code = programs.program_code
    left join students on status_history.student_id = students.student_id
    left join fundings on status_history.funding = fundings.funding
    where status_history.is_enrolled
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
        fundings.is_state_grant as state_grant,
        students.gender,
        students.citizenship_group,
        students.admission_basis,
        -- age on the census date
        {{ stat_form_age_band(contingent_age_on('students.birth_date', 'movements_in_year.census_date')) }}
            as age_band,
        movements_in_year.status_after as status,
        null as in_headcount,
        movements_in_year.movement,
        movements_in_year.reason
    from movements_in_year
    left join programs
        on coalesce(movements_in_year.program_code_after, movements_in_year.program_code_before) = programs.program_code
    left join students on movements_in_year.student_id = students.student_id
    left join fundings
        on coalesce(movements_in_year.funding_after, movements_in_year.funding_before) = fundings.funding
),

items as (
    select * from census_items
    union all by name
    select * from movement_items
),

counted as (
    select
        *,
        count(*) as n
    from items
    group by all
),

final as (
    select
        -- an id of the combination, for the layout evaluation (stable for the same data)
        row_number() over (
            order by
                census_date, measure, faculty_code, level, program_group, program_code, course, study_form,
                study_language, funding, gender, citizenship_group, admission_basis, age_band, status,
                in_headcount, movement, reason
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
        state_grant,
        gender,
        citizenship_group,
        admission_basis,
        age_band,
        status,
        in_headcount,
        movement,
        reason,
        n
    from counted
)

select * from final
