-- The census dates (rules B12) and whether the history is complete on each. An extract holds mostly
-- the students still present when its history starts, so its first census dates count too few
-- students and the years after look like growth. The first complete census is the first census date
-- on which every level with enrolled students has some in every course of its normal duration (the
-- longest duration_years of its programmes with students that day); from it on, the history is complete.
with snapshot_dates as (
    select * from {{ ref('int_snapshot_dates_listed') }}
),

monthly as (
    select * from {{ ref('fct_contingent_monthly') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

census_dates as (
    select snapshot_date
    from snapshot_dates
    where is_census_date
),

on_census as (
    -- the enrolled students (headcount and academic leave, rules B10) on each census date
    select
        snapshot_date,
        level,
        program_code,
        course,
        sum(headcount) as headcount,
        sum(n_enrolled) as n_enrolled
    from monthly
    where is_census_date and n_enrolled > 0
    group by all
),

levels as (
    -- each level with students on the date, and its normal duration: its longest programme with students
    select
        on_census.snapshot_date,
        on_census.level,
        max(programs.duration_years) as normal_duration
    from on_census
    left join programs on on_census.program_code = programs.program_code
    group by all
),

levels_checked as (
    select
        levels.snapshot_date,
        levels.level,
        levels.normal_duration,
        count(distinct on_census.course) filter (
            where on_census.course between 1 and levels.normal_duration
        ) as n_courses_present
    from levels
    left join on_census
        on
            levels.snapshot_date = on_census.snapshot_date
            and levels.level = on_census.level
    group by all
),

dates_checked as (
    select
        census_dates.snapshot_date,
        count(levels_checked.level) as n_levels,
        count(*) filter (where levels_checked.n_courses_present = levels_checked.normal_duration)
            as n_levels_complete
    from census_dates
    left join levels_checked on census_dates.snapshot_date = levels_checked.snapshot_date
    group by all
),

counted as (
    select
        snapshot_date,
        sum(headcount)::bigint as headcount,
        sum(n_enrolled)::bigint as n_enrolled
    from on_census
    group by snapshot_date
),

flagged as (
    select
        dates_checked.snapshot_date,
        coalesce(counted.headcount, 0) as headcount,
        coalesce(counted.n_enrolled, 0) as n_enrolled,
        dates_checked.n_levels,
        dates_checked.n_levels_complete,
        dates_checked.n_levels > 0 and dates_checked.n_levels_complete = dates_checked.n_levels as is_complete_census
    from dates_checked
    left join counted on dates_checked.snapshot_date = counted.snapshot_date
),

first_complete as (
    select min(snapshot_date) filter (where is_complete_census) as first_complete_census
    from flagged
),

final as (
    select
        flagged.*,
        first_complete.first_complete_census,
        coalesce(flagged.snapshot_date >= first_complete.first_complete_census, false) as is_complete_history
    from flagged
    cross join first_complete
)

select * from final
