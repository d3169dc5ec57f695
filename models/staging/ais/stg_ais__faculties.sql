-- One row per faculty.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'faculties') }}
),

renamed as (
    select
        faculty_code,
        name_kk,
        name_ru,
        name_en,
        _source_row as source_row
    from source
)

select * from renamed
