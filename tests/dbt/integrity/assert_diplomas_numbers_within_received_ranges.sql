-- Rules B32: once the blank journal is kept (blank_movements has rows), every blank number given in a
-- document or taken out by a movement lies in a range the journal received, of the same kind and series.
with numbers as (
    select * from {{ ref('fct_blank_numbers') }}
),

journal as (
    select count(*) as n_movements from {{ ref('fct_blank_movements') }}
)

select
    numbers.kind,
    numbers.series,
    numbers.number_value,
    numbers.n_documents,
    numbers.student_id,
    numbers.taken_out_by,
    numbers.taken_out_on
from numbers
cross join journal
where journal.n_movements > 0 and numbers.n_received = 0
