-- One row per attempt of a student at a discipline in a term (grade sheets).
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'grades') }}
),

renamed as (
    select
        student_id,
        discipline_code,
        academic_year,
        term,
        attempt,
        rk1,
        rk2,
        exam,
        graded_on,
        cast(left(academic_year, 4) as integer) as academic_year_start,
        _source_row as source_row
    from source
)

select * from renamed
