-- Rules B32: a blank number (kind, series, number) is used once: in one document, or taken out by one
-- movement, never both given in a document and spoiled or returned. A duplicate has its own number.
select
    kind,
    series,
    number_value,
    n_documents,
    n_taken_out,
    student_id,
    taken_out_by
from {{ ref('fct_blank_numbers') }}
where is_used_twice
