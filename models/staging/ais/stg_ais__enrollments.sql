-- One row per student registered for a discipline in a term.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'enrollments') }}
),

renamed as (
    select
        student_id,
        discipline_code,
        academic_year,
        term,
        group_code,
        teacher_id,
        cast(left(academic_year, 4) as integer) as academic_year_start,
        _source_row as source_row
    from source
)

select * from renamed
