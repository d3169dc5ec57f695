-- One row per session (academic year × term) × kind of order × student: the draft lines of the
-- orders the registrar enters in the AIS when a session closes (rules B31). The scholarship award
-- follows each regular session (B11); promotion and expulsion for academic failure follow the
-- year's closing session, the last term of the year with results (B14).
with scholarship as (
    select * from {{ ref('rpt_scholarship_eligibility') }}
),

progression as (
    select * from {{ ref('rpt_progression') }}
),

attempts as (
    select * from {{ ref('fct_grades') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

labels as (
    select * from {{ ref('academic_list_labels') }}
),

reasons as (
    select * from {{ ref('movement_reasons') }}
),

movement_labels as (
    select * from {{ ref('movement_types') }}
),

closing_terms as (
    -- the year's last term (seed terms.term_order) with a result
    select
        terms.academic_year,
        arg_max(terms.term, terms.term_order) as term
    from terms
    where
        exists (
            select 1 from attempts
            where attempts.academic_year = terms.academic_year and attempts.term = terms.term
        )
    group by terms.academic_year
),

lines as (
    select
        academic_year,
        term,
        'scholarship_award' as order_kind,
        student_id,
        full_name,
        program_code,
        faculty_code,
        group_code,
        course,
        cast(null as integer) as next_course,
        cast(null as varchar) as movement,
        cast(null as varchar) as reason,
        scholarship_rate,
        cast(null as decimal(18, 10)) as transfer_gpa,
        cast(null as decimal(6, 4)) as transfer_gpa_threshold,
        cast(null as integer) as n_debts
    from scholarship
    where is_eligible
    union all
    select
        progression.academic_year,
        closing_terms.term,
        -- the outcome's order, entered as the movement of seed movement_types the vars name
        case progression.progression_outcome when 'promoted' then 'promotion_order' else 'expulsion_order' end
            as order_kind,
        progression.student_id,
        progression.full_name,
        progression.program_code,
        progression.faculty_code,
        progression.group_code,
        progression.course,
        progression.next_course,
        case progression.progression_outcome
            when 'promoted' then {{ academic_text_var('term_end_promotion_movement') }}
            else {{ academic_text_var('term_end_expulsion_movement') }}
        end as movement,
        -- the expulsion's reason in seed movement_reasons
        case
            when progression.progression_outcome = 'expulsion_candidate'
                then {{ academic_text_var('term_end_expulsion_reason') }}
        end as reason,
        null as scholarship_rate,
        progression.transfer_gpa,
        progression.transfer_gpa_threshold,
        progression.n_debts_at_year_end
    from progression
    inner join closing_terms on progression.academic_year = closing_terms.academic_year
    where
        -- promotion up to the programme's last course; after it the student graduates
        (progression.progression_outcome = 'promoted' and progression.next_course is not null)
        or progression.progression_outcome = 'expulsion_candidate'
)

select
    lines.academic_year,
    lines.term,
    lines.order_kind,
    kind_labels.sort_order as order_kind_sort_order,
    {{ code_label_columns('kind_labels', 'lines.order_kind', 'order_kind') }},
    lines.student_id,
    lines.full_name,
    lines.program_code,
    lines.faculty_code,
    lines.group_code,
    lines.course,
    lines.next_course,
    lines.movement,
    {{ code_label_columns('movement_labels', 'lines.movement', 'movement') }},
    lines.reason,
    {{ code_label_columns('reasons', 'lines.reason', 'reason') }},
    lines.scholarship_rate,
    {{ code_label_columns('rate_labels', 'lines.scholarship_rate', 'scholarship_rate') }},
    lines.transfer_gpa,
    lines.transfer_gpa_threshold,
    lines.n_debts
from lines
left join labels as kind_labels
    on
        kind_labels.list = 'order_kind'
        and lines.order_kind = kind_labels.code
left join labels as rate_labels
    on
        rate_labels.list = 'scholarship_rate'
        and lines.scholarship_rate = rate_labels.code
left join movement_labels on lines.movement = movement_labels.movement
left join reasons
    on
        lines.movement = reasons.movement
        and lines.reason = reasons.reason
