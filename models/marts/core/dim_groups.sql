-- One row per academic group named by a student record, a registration or an order: the
-- programme most of its students belong to (with its faculty and level) and its size today.
with students as (
    select * from {{ ref('stg_ais__students') }}
),

enrollments as (
    select * from {{ ref('stg_ais__enrollments') }}
),

orders as (
    select * from {{ ref('stg_ais__orders') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

members as (
    -- every student ever placed in the group
    select
        group_code,
        student_id
    from students
    union
    select
        group_code,
        student_id
    from enrollments
    union
    select
        group_code,
        student_id
    from orders
),

by_program as (
    select
        members.group_code,
        students.program_code,
        count(*) as n_members
    from members
    inner join students on members.student_id = students.student_id
    where members.group_code is not null
    group by members.group_code, students.program_code
),

main_program as (
    -- the programme of most of the group's students (ties: the lowest code)
    select
        group_code,
        program_code
    from by_program
    qualify row_number() over (partition by group_code order by n_members desc, program_code asc) = 1
),

sizes as (
    select
        group_code,
        count(*) as n_students_now
    from students
    where group_code is not null
    group by group_code
),

member_counts as (
    select
        group_code,
        count(distinct student_id) as n_students_ever
    from members
    where group_code is not null
    group by group_code
)

select
    member_counts.group_code,
    main_program.program_code,
    programs.faculty_code,
    programs.level,
    coalesce(sizes.n_students_now, 0) as n_students_now,
    member_counts.n_students_ever
from member_counts
left join main_program on member_counts.group_code = main_program.group_code
left join programs on main_program.program_code = programs.program_code
left join sizes on member_counts.group_code = sizes.group_code
