-- on every census date, the total row of forms 3-НК and 1-НК equals the contingent marts in each
-- column the layout seed marks in `mart_total` (headcount and a count by status such as n_academic_leave
-- or n_mobility_out from fct_contingent_monthly, a movement's order lines of the census year from
-- fct_contingent_movements), for the form's levels.
with layout as (
    select
        '3nk' as form,
        *
    from {{ ref('stat_form_3nk_layout') }}
    union all
    select
        '1nk' as form,
        *
    from {{ ref('stat_form_1nk_layout') }}
),

cells as (
    select
        '3nk' as form,
        *
    from {{ ref('rpt_stat_form_3nk') }}
    union all
    select
        '1nk' as form,
        *
    from {{ ref('rpt_stat_form_1nk') }}
),

monthly as (
    select * from {{ ref('fct_contingent_monthly') }}
),

movements as (
    select * from {{ ref('fct_contingent_movements') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

marked_columns as (
    select
        form,
        part,
        code as column_code,
        mart_total
    from layout
    where axis = 'column' and coalesce(mart_total, '') != ''
),

form_levels as (
    -- the levels a part counts: the `level=` condition of its part line (null: every level)
    select
        form,
        part,
        nullif(string_split(regexp_extract(replace(filter, ' ', ''), 'level=([^;]*)', 1), '|'), ['']) as levels
    from layout
    where axis = 'part'
),

form_totals as (
    select
        cells.form,
        cells.part,
        cells.census_date,
        marked_columns.mart_total,
        sum(cells.n) as form_total
    from cells
    inner join layout as total_rows
        on
            cells.form = total_rows.form
            and cells.part = total_rows.part
            and cells.row_code = total_rows.code
            and total_rows.axis = 'row'
            and total_rows.mart_total = 'total'
    inner join marked_columns
        on
            cells.form = marked_columns.form
            and cells.part = marked_columns.part
            and cells.column_code = marked_columns.column_code
    group by all
),

census_dates as (
    select distinct snapshot_date as census_date from monthly
    where is_census_date
),

figures as (
    -- the marts' own numbers by census date and level
    select
        snapshot_date as census_date,
        level,
        'headcount' as mart_total,
        sum(headcount) as mart_value
    from monthly
    where is_census_date
    group by all
    union all
    -- every count by status of the mart (n_academic_leave, n_mobility_out, ...)
    select
        census_date,
        level,
        mart_total,
        sum(mart_value) as mart_value
    from (
        unpivot (
            select
                snapshot_date as census_date,
                level,
                columns('^n_')
            from monthly
            where is_census_date
        )
        on columns('^n_')
        into name mart_total value mart_value
    )
    group by all
    union all
    -- order lines effective after the previous year's census date and up to this one
    select
        census_dates.census_date,
        programs.level,
        movements.movement as mart_total,
        count(*) as mart_value
    from movements
    inner join census_dates
        on
            movements.effective_date > census_dates.census_date - interval 1 year
            and movements.effective_date <= census_dates.census_date
    left join programs
        on coalesce(movements.program_code_after, movements.program_code_before) = programs.program_code
    where not movements.is_before_entry
    group by all
),

expected as (
    select
        marked_columns.form,
        marked_columns.part,
        figures.census_date,
        marked_columns.mart_total,
        sum(figures.mart_value) as mart_value
    from marked_columns
    inner join form_levels on marked_columns.form = form_levels.form and marked_columns.part = form_levels.part
    inner join figures
        on
            marked_columns.mart_total = figures.mart_total
            and (form_levels.levels is null or list_contains(form_levels.levels, figures.level))
    group by all
)

select
    coalesce(form_totals.form, expected.form) as form,
    coalesce(form_totals.part, expected.part) as part,
    coalesce(form_totals.census_date, expected.census_date) as census_date,
    coalesce(form_totals.mart_total, expected.mart_total) as mart_total,
    form_totals.form_total,
    expected.mart_value
from form_totals
full outer join expected
    on
        form_totals.form = expected.form
        and form_totals.part = expected.part
        and form_totals.census_date = expected.census_date
        and form_totals.mart_total = expected.mart_total
where coalesce(form_totals.form_total, 0) != coalesce(expected.mart_value, 0)
