-- One row per educational programme.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'programs') }}
),

renamed as (
    select
        program_code,
        faculty_code,
        level,
        name_kk,
        name_ru,
        name_en,
        program_group,
        credits_required,
        duration_years,
        _source_row as source_row
    from source
)

select * from renamed
