-- One row per discipline (course unit) of the catalogue: names, credits and how it is assessed,
-- as the AIS gives them.
with disciplines as (
    select * from {{ ref('stg_ais__disciplines') }}
)

select
    discipline_code,
    name_kk,
    name_ru,
    name_en,
    credits,
    assessment,
    counts_in_gpa,
    is_final_attestation
from disciplines
