-- One row per teacher: name, department and faculty (with the faculty's names).
with teachers as (
    select * from {{ ref('stg_ais__teachers') }}
),

faculties as (
    select * from {{ ref('dim_faculties') }}
)

select
    teachers.teacher_id,
    teachers.full_name,
    teachers.department,
    teachers.faculty_code,
    faculties.name_kk as faculty_name_kk,
    faculties.name_ru as faculty_name_ru,
    faculties.name_en as faculty_name_en
from teachers
left join faculties on teachers.faculty_code = faculties.faculty_code
