-- One row per discipline (course unit).
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'disciplines') }}
),

renamed as (
    select
        discipline_code,
        name_kk,
        name_ru,
        name_en,
        credits,
        assessment,
        counts_in_gpa,
        is_final_attestation,
        _source_row as source_row
    from source
)

select * from renamed
