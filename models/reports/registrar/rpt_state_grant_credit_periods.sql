-- One row per quarter × state-grant period overlapping it (rules B21): the period clipped to the
-- quarter, as the accounting department's quarterly list shows it. The quarters run from the one of
-- the first order to the one of the last day the warehouse has data for (the span the reports accept).
with grant_periods as (
    select * from {{ ref('rpt_state_grant_periods') }}
),

movements as (
    select * from {{ ref('fct_contingent_movements') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

data_span as (
    -- as registrar.reports.params.data_span: the first order to the later of the last order and term end
    select
        min(movements.effective_date) as first_day,
        greatest(max(movements.effective_date), (select max(terms.ends_on) from terms)) as last_day
    from movements
),

quarter_starts as (
    select
        unnest(generate_series(
            date_trunc('quarter', first_day), date_trunc('quarter', last_day), interval 3 month
        ))::date as quarter_start
    from data_span
),

quarters as (
    select
        quarter_start,
        (quarter_start + interval 3 month - interval 1 day)::date as quarter_end,
        strftime(quarter_start, '%Y') || 'Q' || quarter(quarter_start)::varchar as quarter
    from quarter_starts
),

clipped as (
    -- valid_to is exclusive: the last funded day is the day before; an open period runs to the quarter's end
    select
        quarters.quarter,
        quarters.quarter_start,
        quarters.quarter_end,
        grant_periods.student_id,
        grant_periods.valid_from,
        greatest(grant_periods.valid_from, quarters.quarter_start) as period_from,
        least(
            coalesce(grant_periods.valid_to - interval 1 day, quarters.quarter_end), quarters.quarter_end
        )::date as period_to,
        grant_periods.program_code,
        grant_periods.faculty_code,
        grant_periods.course,
        grant_periods.status
    from grant_periods
    inner join quarters
        on
            grant_periods.valid_from <= quarters.quarter_end
            and (grant_periods.valid_to is null or grant_periods.valid_to > quarters.quarter_start)
)

select
    clipped.quarter,
    clipped.quarter_start,
    clipped.quarter_end,
    clipped.student_id,
    students.full_name,
    clipped.valid_from,
    clipped.period_from,
    clipped.period_to,
    clipped.program_code,
    clipped.faculty_code,
    clipped.course,
    clipped.status,
    statuses.label_kk as status_label_kk,
    statuses.label_ru as status_label_ru,
    statuses.label_en as status_label_en
from clipped
inner join students on clipped.student_id = students.student_id
left join statuses on clipped.status = statuses.status
