-- One row per diploma or diploma supplement issued (rules B32): the document, its holder's programme
-- and faculty, the academic year it was issued in, and whether the holder graduated (fct_graduations:
-- the current status by the replay of the orders completes the programme, rules B10).
with diplomas as (
    select * from {{ ref('stg_ais__diplomas') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

kinds as (
    select * from {{ ref('diploma_kinds') }}
),

graduations as (
    select * from {{ ref('fct_graduations') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

year_starts as (
    -- an academic year runs from the first day of its first term to the first day of the next year's
    select
        academic_year,
        min(starts_on) as starts_on
    from terms
    where starts_on is not null
    group by academic_year
)

select
    diplomas.student_id,
    students.full_name,
    students.program_code,
    students.faculty_code,
    students.level,
    diplomas.kind,
    {{ code_label_columns('kinds', 'diplomas.kind', 'kind') }},
    coalesce(kinds.sort_order, 99) as kind_sort_order,
    coalesce(kinds.is_supplement, false) as is_supplement,
    diplomas.series,
    diplomas.number,
    diplomas.number_value,
    diplomas.issued_on,
    year_starts.academic_year,
    diplomas.honours,
    diplomas.duplicate_of,
    diplomas.is_duplicate,
    graduations.student_id is not null as is_graduated,
    graduations.graduated_on,
    diplomas.source_row
from diplomas
inner join students on diplomas.student_id = students.student_id
left join kinds on diplomas.kind = kinds.kind
left join graduations on diplomas.student_id = graduations.student_id
asof left join year_starts on diplomas.issued_on >= year_starts.starts_on
