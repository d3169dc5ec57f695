-- One row per student registered for a discipline in a term, with the group and teacher of
-- the registration: the contract's view of the registrations, for the attestation feeds and
-- the dashboards' group and teacher filters.
with enrollments as (
    select * from {{ ref('stg_ais__enrollments') }}
)

select
    student_id,
    discipline_code,
    academic_year,
    term,
    group_code,
    teacher_id,
    academic_year_start
from enrollments
