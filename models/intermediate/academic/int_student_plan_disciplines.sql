-- One row per student and discipline of the curriculum the student's record is read against,
-- with the earliest curriculum semester it is planned in. Shared by the course estimate
-- (fct_student_years) and the progress against the curriculum (fct_student_standing).
with plans as (
    select * from {{ ref('int_student_plans') }}
),

curriculum as (
    select * from {{ ref('stg_ais__curriculum') }}
),

plan_disciplines as (
    select
        plans.student_id,
        curriculum.discipline_code,
        min(curriculum.semester_no) as semester_no
    from plans
    inner join curriculum
        on
            plans.program_code = curriculum.program_code
            and plans.curriculum_intake_year = curriculum.intake_year
    group by plans.student_id, curriculum.discipline_code
)

select * from plan_disciplines
