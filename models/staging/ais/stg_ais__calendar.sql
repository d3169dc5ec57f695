-- One row per academic period.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'calendar') }}
),

renamed as (
    select
        academic_year,
        term,
        starts_on,
        ends_on,
        exams_start_on,
        exams_end_on,
        cast(left(academic_year, 4) as integer) as academic_year_start,
        _source_row as source_row
    from source
)

select * from renamed
