-- One row per faculty: its names in Kazakh, Russian and English.
with faculties as (
    select * from {{ ref('stg_ais__faculties') }}
)

select
    faculty_code,
    name_kk,
    name_ru,
    name_en
from faculties
