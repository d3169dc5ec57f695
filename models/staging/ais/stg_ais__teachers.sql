-- One row per teacher.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'teachers') }}
),

renamed as (
    select
        teacher_id,
        full_name,
        faculty_code,
        department,
        _source_row as source_row
    from source
)

select * from renamed
