-- One row per educational programme: its faculty (with the faculty's names, so facts need no
-- further join), level, programme group, length and credits required, and its names.
with programs as (
    select * from {{ ref('stg_ais__programs') }}
),

faculties as (
    select * from {{ ref('dim_faculties') }}
)

select
    programs.program_code,
    programs.faculty_code,
    faculties.name_kk as faculty_name_kk,
    faculties.name_ru as faculty_name_ru,
    faculties.name_en as faculty_name_en,
    programs.level,
    programs.program_group,
    programs.duration_years,
    programs.credits_required,
    programs.name_kk,
    programs.name_ru,
    programs.name_en
from programs
left join faculties on programs.faculty_code = faculties.faculty_code
