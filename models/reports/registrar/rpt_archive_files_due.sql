-- One row per order line that ends a student's enrolment (rules B25): graduation or expulsion
-- (transfer to another university is an expulsion with its reason) — the status before counts
-- as enrolled and the status after does not (seed contingent_statuses). The personal file is
-- due for the archive personal_file_archive_after_months months after the effective date.
with movements as (
    select * from {{ ref('fct_contingent_movements') }}
    where {{ changed_students_only('student_id') }}
),

students as (
    -- the student's own record (dim_students without the name places across students)
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
)

select
    movements.order_no,
    movements.student_id,
    movements.movement,
    students.full_name,
    movements.order_date,
    movements.effective_date,
    cast(
        movements.effective_date
        + to_months(cast({{ var('personal_file_archive_after_months') }} as integer)) as date
    ) as archive_due_on,
    movements.status_after,
    movements.program_code_before as program_code,
    movements.faculty_code_before as faculty_code,
    movements.course_before as course,
    movements.movement_label_kk,
    movements.movement_label_ru,
    movements.movement_label_en,
    movements.reason,
    movements.reason_label_kk,
    movements.reason_label_ru,
    movements.reason_label_en
from movements
inner join statuses as before_status on movements.status_before = before_status.status
inner join statuses as after_status on movements.status_after = after_status.status
left join students on movements.student_id = students.student_id
where before_status.is_enrolled and not after_status.is_enrolled
