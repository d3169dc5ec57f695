-- One row per blank number (kind, series, number) that the journal or the register names (rules B32):
-- whether it was received, how often it was taken out (issued, spoiled, returned) and given in a
-- document, and so whether it is on hand or used twice. The register's checks read this model. It reads
-- the register's staging, not fct_diplomas, so a failing check of fct_diplomas (a holder who has not
-- graduated) does not skip these checks: one refresh reports every broken rule of the register.
with movements as (
    select * from {{ ref('fct_blank_movements') }}
),

types as (
    select * from {{ ref('blank_movement_types') }}
),

diplomas as (
    select * from {{ ref('stg_ais__diplomas') }}
),

movement_numbers as (
    -- each range spelled out blank by blank
    select
        movements.kind,
        movements.series,
        unnest(generate_series(movements.number_from_value, movements.number_to_value)) as number_value,
        movements.movement,
        movements.stock_effect,
        types.is_issue,
        movements.moved_on,
        movements.document
    from movements
    left join types on movements.movement = types.movement
),

per_movement as (
    select
        kind,
        series,
        number_value,
        count(*) filter (where stock_effect > 0) as n_received,
        min(moved_on) filter (where stock_effect > 0) as received_on,
        count(*) filter (where stock_effect < 0) as n_taken_out,
        count(*) filter (where stock_effect < 0 and not is_issue) as n_written_off,
        -- the movement that took the blank out (the first, when there are several)
        arg_min(movement, moved_on) filter (where stock_effect < 0) as taken_out_by,
        min(moved_on) filter (where stock_effect < 0) as taken_out_on
    from movement_numbers
    group by kind, series, number_value
),

per_document as (
    select
        kind,
        series,
        number_value,
        count(*) as n_documents,
        arg_min(student_id, issued_on) as student_id,
        min(issued_on) as issued_on
    from diplomas
    group by kind, series, number_value
),

numbers as (
    select
        kind,
        series,
        number_value
    from per_movement
    union
    select
        kind,
        series,
        number_value
    from per_document
)

select
    numbers.kind,
    numbers.series,
    numbers.number_value,
    coalesce(per_movement.n_received, 0) as n_received,
    per_movement.received_on,
    coalesce(per_movement.n_taken_out, 0) as n_taken_out,
    per_movement.taken_out_by,
    per_movement.taken_out_on,
    coalesce(per_document.n_documents, 0) as n_documents,
    per_document.student_id,
    per_document.issued_on,
    -- used twice: in two documents, taken out by two movements, or given in a document and also
    -- spoiled or returned (a duplicate has its own number; duplicate_of names the one it replaces)
    (
        coalesce(per_document.n_documents, 0) > 1
        or coalesce(per_movement.n_taken_out, 0) > 1
        or (coalesce(per_document.n_documents, 0) > 0 and coalesce(per_movement.n_written_off, 0) > 0)
    ) as is_used_twice,
    (
        coalesce(per_movement.n_received, 0) > 0
        and coalesce(per_movement.n_taken_out, 0) = 0
        and coalesce(per_document.n_documents, 0) = 0
    ) as is_on_hand
from numbers
left join per_movement
    on
        numbers.kind = per_movement.kind
        and numbers.series = per_movement.series
        and numbers.number_value = per_movement.number_value
left join per_document
    on
        numbers.kind = per_document.kind
        and numbers.series = per_document.series
        and numbers.number_value = per_document.number_value
