-- One row per student ever admitted: today's record in the AIS (identity, programme, status,
-- group), the intake and plan the record is read against, and the name keys of the student
-- search. No grade model is read here: the standing (GPA, credits, debts, plan progress) is
-- fct_student_standing, so the contingent marts and the state forms never wait on grades.
-- Everything that follows from the student's own row is int_students_described (per student,
-- rebuilt for the changed students only on a nightly refresh); this model adds what needs every
-- student (the places in the alphabetical lists) and the source row.
with described as (
    select * from {{ ref('int_students_described') }}
),

students as (
    select * from {{ ref('stg_ais__students') }}
),

name_orders as (
    -- each student's place in the alphabetical list in Kazakh and in Russian order (ICU collations), so
    -- that a search lists its first matches by name without collating every match (slow when a
    -- fragment matches thousands)
    select
        student_id,
        source_row,
        row_number() over (order by full_name collate kk, student_id) as name_order_kk,
        row_number() over (order by full_name collate ru, student_id) as name_order_ru
    from students
)

select
    described.student_id,
    described.full_name,
    described.last_name,
    described.first_name,
    described.middle_name,
    described.full_name_lower,
    described.full_name_latin,
    name_orders.name_order_kk,
    name_orders.name_order_ru,
    described.iin,
    described.gender,
    described.birth_date,
    described.citizenship,
    described.citizenship_group,
    described.program_code,
    described.faculty_code,
    described.level,
    described.level_label_kk,
    described.level_label_ru,
    described.level_label_en,
    described.study_form,
    described.study_form_label_kk,
    described.study_form_label_ru,
    described.study_form_label_en,
    described.study_language,
    described.funding,
    described.funding_label_kk,
    described.funding_label_ru,
    described.funding_label_en,
    described.status,
    described.status_label_kk,
    described.status_label_ru,
    described.status_label_en,
    described.is_studying,
    described.group_code,
    described.advisor_id,
    described.social_benefit,
    described.admission_basis,
    described.entry_year_start,
    described.entry_course,
    described.cohort_year,
    described.curriculum_intake_year,
    name_orders.source_row
from described
inner join name_orders on described.student_id = name_orders.student_id
