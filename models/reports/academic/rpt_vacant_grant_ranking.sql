-- One row per regular session (academic year × term 1 or 2) × programme × paid student active
-- at the end of the term: the student's place in the competition for vacant state grants
-- held in the following holidays (rules A5).
with standing as (
    select * from {{ ref('fct_student_term_standing') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

cumulative as (
    select * from {{ ref('fct_student_terms') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

competitors as (
    select
        standing.academic_year,
        standing.term,
        standing.term_seq,
        standing.program_code,
        standing.student_id,
        cumulative.cumulative_gpa,
        cumulative.cumulative_gpa_credits,
        cumulative.cumulative_credits_earned,
        cumulative.n_debts,
        cumulative.cumulative_n_gpa_results,
        cumulative.cumulative_n_gpa_excellent,
        cumulative.cumulative_n_gpa_good_or_better,
        -- ties on GPA: only A/A- (excellent) first, then only good or better, then the rest
        case
            when
                cumulative.cumulative_n_gpa_results > 0
                and cumulative.cumulative_n_gpa_excellent = cumulative.cumulative_n_gpa_results then 1
            when
                cumulative.cumulative_n_gpa_results > 0
                and cumulative.cumulative_n_gpa_good_or_better = cumulative.cumulative_n_gpa_results then 2
            else 3
        end as tie_tier
    from standing
    inner join terms
        on
            standing.academic_year = terms.academic_year
            and standing.term = terms.term
    inner join statuses on standing.status = statuses.status
    inner join fundings on standing.funding = fundings.funding
    inner join cumulative
        on
            standing.student_id = cumulative.student_id
            and standing.term_seq = cumulative.term_seq
    where
        terms.is_regular_semester
        and not fundings.is_state_grant
        -- attending the university (seed contingent_statuses.is_studying: active)
        and statuses.is_studying
)

select
    competitors.academic_year,
    competitors.term,
    competitors.program_code,
    programs.faculty_code,
    rank() over (
        partition by competitors.academic_year, competitors.term, competitors.program_code
        order by competitors.cumulative_gpa desc nulls last, competitors.tie_tier asc
    ) as rank_in_programme,
    competitors.student_id,
    students.full_name,
    students.group_code,
    competitors.cumulative_gpa,
    competitors.tie_tier,
    case competitors.tie_tier
        when 1 then 'only_excellent'
        when 2 then 'only_good_or_excellent'
        else 'other'
    end as tie_group,
    competitors.cumulative_gpa_credits,
    competitors.cumulative_credits_earned,
    competitors.n_debts,
    competitors.term_seq
from competitors
inner join students on competitors.student_id = students.student_id
left join programs on competitors.program_code = programs.program_code
