-- One row per student ever enrolled × order line (rules B24): the alphabetical book lists each
-- student with their programme, the order that admitted them (first entry: admission, transfer
-- in or readmission, seed movement_types) and every order about them. The book's alphabetical
-- order (kk or ru collation) is the report's, as it depends on the language.
-- a view: the rows are the mart's, so they are stored once
{{ config(materialized='view') }}

with students as (
    -- the student's own record (dim_students without the name places across students): per student
    select * from {{ ref('int_students_described') }}
),

movements as (
    select * from {{ ref('fct_contingent_movements') }}
),

movement_types as (
    select * from {{ ref('movement_types') }}
),

first_entry as (
    select
        movements.student_id,
        movements.order_no,
        movements.order_date,
        movements.effective_date
    from movements
    inner join movement_types on movements.movement = movement_types.movement
    where movement_types.is_headcount_inflow
    qualify row_number() over (partition by movements.student_id order by movements.replay_seq) = 1
)

select
    students.student_id,
    movements.order_no,
    movements.movement,
    students.full_name,
    students.last_name,
    students.first_name,
    students.middle_name,
    students.program_code,
    students.faculty_code,
    students.status,
    first_entry.order_no as admission_order_no,
    first_entry.order_date as admission_order_date,
    movements.order_date,
    movements.effective_date,
    movements.replay_seq,
    movements.movement_label_kk,
    movements.movement_label_ru,
    movements.movement_label_en,
    movements.reason,
    movements.reason_label_kk,
    movements.reason_label_ru,
    movements.reason_label_en
from students
inner join movements on students.student_id = movements.student_id
left join first_entry on students.student_id = first_entry.student_id
