-- One row per diploma or diploma supplement handed to a graduate (the diploma register).
-- Typed and checked by the loader against the extract contract (an optional file: without it the
-- source is empty); staging only selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'diplomas') }}
),

renamed as (
    select
        student_id,
        kind,
        series,
        number,
        -- the number as a whole number, to compare with the ranges of the blank journal (rules B32)
        cast(number as bigint) as number_value,
        issued_on,
        honours,
        duplicate_of,
        duplicate_of is not null as is_duplicate,
        _source_row as source_row
    from source
)

select * from renamed
