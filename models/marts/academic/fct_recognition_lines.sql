-- One row per recognition line (protocol × student × discipline) with the letter its score
-- carries, every check of statute 4.1.16 it fails and whether it counts in the record. A view:
-- the checked lines are stored once, in intermediate.int_recognitions_checked, and the line's row
-- in recognitions.csv is added here from the staging (it moves when lines are added above it, so
-- the per-student table does not carry it, rules C8).
with checked as (
    select * from {{ ref('int_recognitions_checked') }}
),

recognitions as (
    select * from {{ ref('stg_ais__recognitions') }}
)

select
    checked.*,
    recognitions.source_row
from checked
inner join recognitions
    on
        checked.protocol_no = recognitions.protocol_no
        and checked.student_id = recognitions.student_id
        and checked.discipline_code = recognitions.discipline_code
