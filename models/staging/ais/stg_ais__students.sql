-- One row per student ever admitted: today's record in the AIS.
-- Typed and checked by the loader against the extract contract; staging only
-- selects, names and derives plain columns.
with source as (
    select * from {{ source('ais', 'students') }}
),

renamed as (
    select
        student_id,
        iin,
        last_name,
        first_name,
        middle_name,
        gender,
        birth_date,
        citizenship,
        program_code,
        study_form,
        study_language,
        funding,
        group_code,
        advisor_id,
        social_benefit,
        status,
        admission_basis,
        concat_ws(' ', last_name, first_name, middle_name) as full_name,
        _source_row as source_row
    from source
)

select * from renamed
