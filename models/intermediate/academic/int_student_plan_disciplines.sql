-- One row per student and discipline of the curriculum the student's record is read against,
-- with the earliest curriculum semester it is planned in. Shared by the course estimate
-- (fct_student_years) and the progress against the curriculum (fct_student_standing).
with plans as (
    select * from {{ ref('int_student_plans') }}
    where {{ changed_students_only('student_id') }}
),

curriculum as (
    select * from {{ ref('stg_ais__curriculum') }}
),

curriculum_disciplines as (
    -- each curriculum's disciplines once, at their earliest semester: grouped here, over the
    -- curriculum's few thousand lines, rather than after the join over every student's
    select
        program_code,
        intake_year,
        discipline_code,
        min(semester_no) as semester_no
    from curriculum
    group by program_code, intake_year, discipline_code
),

plan_disciplines as (
    -- a student follows one curriculum (int_student_plans), so each discipline comes once
    select
        plans.student_id,
        curriculum_disciplines.discipline_code,
        curriculum_disciplines.semester_no
    from plans
    inner join curriculum_disciplines
        on
            plans.program_code = curriculum_disciplines.program_code
            and plans.curriculum_intake_year = curriculum_disciplines.intake_year
)

select * from plan_disciplines
