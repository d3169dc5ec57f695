-- One row per order line that takes a student who receives a social benefit out of the student
-- body (rules B22): expulsion (transfer out included), graduation, academic leave — every
-- movement whose statuses before and after change the headcount by -1 (seed contingent_statuses).
with movements as (
    select * from {{ ref('fct_contingent_movements') }}
),

students as (
    -- the student's own record (dim_students without the name places across students)
    select * from {{ ref('int_students_described') }}
)

select
    movements.order_no,
    movements.student_id,
    movements.movement,
    students.full_name,
    students.last_name,
    students.first_name,
    students.middle_name,
    movements.order_date,
    movements.effective_date,
    movements.status_before,
    movements.status_after,
    coalesce(movements.program_code_before, movements.program_code_after) as program_code,
    coalesce(movements.faculty_code_before, movements.faculty_code_after) as faculty_code,
    coalesce(movements.course_before, movements.course_after) as course,
    movements.movement_label_kk,
    movements.movement_label_ru,
    movements.movement_label_en,
    movements.reason,
    movements.reason_label_kk,
    movements.reason_label_ru,
    movements.reason_label_en
from movements
inner join students on movements.student_id = students.student_id
where students.social_benefit and movements.headcount_change < 0
