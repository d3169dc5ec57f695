-- The enrolled periods of fct_student_status_history with every breakdown of the headcount that
-- does not depend on the date (citizenship group beside the period's own): the headcount on any date,
-- by any of them, is one scan of this table (rules B10). Per student (rules C8): the student's own
-- periods and record only.
with status_history as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_only('student_id') }}
),

students as (
    -- the student's own record (dim_students without the name places across students)
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

levels as (
    select * from {{ ref('study_levels') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

study_forms as (
    select * from {{ ref('study_forms') }}
),

study_languages as (
    select * from {{ ref('study_languages') }}
),

final as (
    select
        status_history.student_id,
        status_history.valid_from,
        status_history.valid_to,
        -- the last day in force: `day between valid_from and valid_to_inclusive` (rules B10)
        {{ contingent_period_valid_to_inclusive('status_history') }} as valid_to_inclusive,
        status_history.status,
        status_history.counts_in_headcount,
        status_history.faculty_code,
        status_history.program_code,
        status_history.level,
        status_history.course,
        status_history.funding,
        status_history.study_form,
        status_history.study_language,
        students.gender,
        students.citizenship_group,
        -- the labels and seed order of the coded breakdowns, so that the page reads no seed
        {{ code_label_columns('levels', 'status_history.level', 'level') }},
        levels.sort_order as level_sort_order,
        {{ code_label_columns('fundings', 'status_history.funding', 'funding') }},
        fundings.sort_order as funding_sort_order,
        {{ code_label_columns('study_forms', 'status_history.study_form', 'study_form') }},
        study_forms.sort_order as study_form_sort_order,
        {{ code_label_columns('study_languages', 'status_history.study_language', 'study_language') }},
        study_languages.sort_order as study_language_sort_order
    from status_history
    left join students on status_history.student_id = students.student_id
    left join levels on status_history.level = levels.level
    left join fundings on status_history.funding = fundings.funding
    left join study_forms on status_history.study_form = study_forms.study_form
    left join study_languages on status_history.study_language = study_languages.study_language
    -- only periods of enrolled statuses (seed contingent_statuses.is_enrolled) are ever counted
    where status_history.is_enrolled
)

-- stored by valid_from, so that a date skips the later periods' row groups: a full build sorts them all, a
-- nightly build appends the changed students' periods after the rest; no read relies on the order
select * from final
order by valid_from
