-- One row per student named in a rector's order on the contingent.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'orders') }}
),

renamed as (
    select
        order_no,
        order_date,
        student_id,
        movement,
        effective_date,
        reason,
        program_code,
        funding,
        course,
        study_form,
        study_language,
        group_code,
        ends_on,
        _source_row as source_row
    from source
)

select * from renamed
