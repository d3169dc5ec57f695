-- Rules B32, A3: an honours diploma's holder meets the honours rule as rpt_honours_candidates applies
-- it (vars honours_min_gpa, honours_lowest_letter, honours_final_attestation_letters). Warns only.
with diplomas as (
    select * from {{ ref('fct_diplomas') }}
),

eligible as (
    select student_id from {{ ref('rpt_honours_candidates') }}
    where is_eligible
)

select
    diplomas.student_id,
    diplomas.full_name,
    diplomas.series,
    diplomas.number,
    diplomas.issued_on
from diplomas
where diplomas.honours and diplomas.student_id not in (select eligible.student_id from eligible)
