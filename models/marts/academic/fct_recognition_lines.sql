-- One row per recognition line (protocol × student × discipline) with the letter its score
-- carries, every check of statute 4.1.16 it fails and whether it counts in the record. A view:
-- the checked lines are stored once, in intermediate.int_recognitions_checked.
with checked as (
    select * from {{ ref('int_recognitions_checked') }}
)

select * from checked
