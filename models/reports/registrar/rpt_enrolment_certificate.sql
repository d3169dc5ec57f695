-- One row per student × status period: what a certificate of enrolment on a date inside the
-- period states (status and whether it is enrolled, programme, course, study form) and the
-- order that admitted the student (the latest entry effective on or before the period's start).
-- The certificate's build picks the period containing the requested date.
with periods as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_only('student_id') }}
),

movements as (
    select * from {{ ref('fct_contingent_movements') }}
    where {{ changed_students_only('student_id') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

study_forms as (
    select * from {{ ref('study_forms') }}
),

movement_types as (
    select * from {{ ref('movement_types') }}
),

entries as (
    -- admission, transfer in, readmission: the movements that bring a student in
    select
        movements.student_id,
        movements.order_no,
        movements.order_date,
        movements.effective_date,
        movements.replay_seq,
        movement_types.movement,
        movement_types.label_kk,
        movement_types.label_ru,
        movement_types.label_en
    from movements
    inner join movement_types on movements.movement = movement_types.movement
    where movement_types.is_headcount_inflow
),

admitting as (
    select
        periods.student_id,
        periods.valid_from,
        entries.order_no,
        entries.order_date,
        entries.movement,
        entries.label_kk,
        entries.label_ru,
        entries.label_en
    from periods
    inner join entries
        on
            periods.student_id = entries.student_id
            and periods.valid_from >= entries.effective_date
    qualify row_number() over (
        partition by periods.student_id, periods.valid_from
        order by entries.effective_date desc, entries.replay_seq desc
    ) = 1
)

select
    periods.student_id,
    periods.valid_from,
    periods.valid_to,
    -- the last day in force: the certificate on a day reads `day between valid_from and valid_to_inclusive`
    {{ contingent_period_valid_to_inclusive('periods') }} as valid_to_inclusive,
    periods.status,
    statuses.is_enrolled,
    statuses.is_studying,
    statuses.label_kk as status_label_kk,
    statuses.label_ru as status_label_ru,
    statuses.label_en as status_label_en,
    periods.order_no as period_order_no,
    periods.program_code,
    programs.name_kk as program_name_kk,
    programs.name_ru as program_name_ru,
    programs.name_en as program_name_en,
    programs.faculty_name_kk,
    programs.faculty_name_ru,
    programs.faculty_name_en,
    periods.course,
    periods.study_form,
    coalesce(study_forms.label_kk, periods.study_form) as study_form_kk,
    coalesce(study_forms.label_ru, periods.study_form) as study_form_ru,
    coalesce(study_forms.label_en, periods.study_form) as study_form_en,
    admitting.order_no as admission_order_no,
    admitting.order_date as admission_order_date,
    admitting.movement as admission_movement,
    admitting.label_kk as admission_movement_kk,
    admitting.label_ru as admission_movement_ru,
    admitting.label_en as admission_movement_en
from periods
inner join statuses on periods.status = statuses.status
left join programs on periods.program_code = programs.program_code
left join study_forms on periods.study_form = study_forms.study_form
left join admitting
    on
        periods.student_id = admitting.student_id
        and periods.valid_from = admitting.valid_from
