-- One row per movement of a range of strict-accountability blanks (the blank journal). Typed and
-- checked by the loader against the extract contract (an optional file: without it the source is
-- empty); staging only selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'blank_movements') }}
),

renamed as (
    select
        kind,
        series,
        number_from,
        number_to,
        -- the range as whole numbers (rules B32); number_to >= number_from is a contract row rule
        cast(number_from as bigint) as number_from_value,
        cast(number_to as bigint) as number_to_value,
        cast(number_to as bigint) - cast(number_from as bigint) + 1 as n_blanks,
        movement,
        moved_on,
        document,
        _source_row as source_row
    from source
)

select * from renamed
