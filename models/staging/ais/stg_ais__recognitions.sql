-- One row per discipline recognised by a protocol of the recognition commission.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'recognitions') }}
),

renamed as (
    select
        protocol_no,
        protocol_date,
        student_id,
        discipline_code,
        academic_year,
        term,
        credits,
        final_score,
        origin,
        original_grade,
        cast(left(academic_year, 4) as integer) as academic_year_start,
        _source_row as source_row
    from source
)

select * from renamed
