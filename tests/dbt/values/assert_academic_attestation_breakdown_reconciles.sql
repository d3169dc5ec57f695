-- fct_attestation_breakdown summed over course, form and language gives fct_attestation_results
-- row for row (rules B9): the deans' page and every other reader of the session results agree.
with breakdown as (
    select
        academic_year,
        term,
        discipline_code,
        group_code,
        teacher_id,
        program_code,
        sum(n_graded) as n_graded,
        sum(n_passed) as n_passed,
        sum(n_fx) as n_fx,
        sum(n_f) as n_f,
        sum(n_passed_after_retakes) as n_passed_after_retakes
    from {{ ref('fct_attestation_breakdown') }}
    group by academic_year, term, discipline_code, group_code, teacher_id, program_code
),

results as (
    select
        academic_year,
        term,
        discipline_code,
        group_code,
        teacher_id,
        program_code,
        n_graded,
        n_passed,
        n_fx,
        n_f,
        n_passed_after_retakes
    from {{ ref('fct_attestation_results') }}
),

differences as (
    (
        select * from breakdown
        except all
        select * from results
    )
    union all
    (
        select * from results
        except all
        select * from breakdown
    )
)

select * from differences
