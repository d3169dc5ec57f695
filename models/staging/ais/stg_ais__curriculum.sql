-- One row per discipline of a programme's curriculum for one intake year.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'curriculum') }}
),

renamed as (
    select
        program_code,
        intake_year,
        discipline_code,
        semester_no,
        _source_row as source_row
    from source
)

select * from renamed
