-- One row per order line (rules B23): every movement of the student body with its order, reason,
-- the student, and the programme and course the order leaves them in (before it, when the order
-- ends their studies).
-- a view: the rows are the mart's, so they are stored once
{{ config(materialized='view') }}

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
    movements.order_date,
    movements.effective_date,
    movements.effective_month,
    movements.replay_seq,
    coalesce(movements.program_code_after, movements.program_code_before) as program_code,
    coalesce(movements.faculty_code_after, movements.faculty_code_before) as faculty_code,
    coalesce(movements.course_after, movements.course_before) as course,
    movements.status_after,
    movements.movement_label_kk,
    movements.movement_label_ru,
    movements.movement_label_en,
    movements.reason,
    movements.reason_label_kk,
    movements.reason_label_ru,
    movements.reason_label_en
from movements
left join students on movements.student_id = students.student_id
