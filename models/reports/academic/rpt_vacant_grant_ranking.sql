-- One row per regular session (academic year × term 1 or 2) × programme × paid student active
-- at the end of the term: the student's place in the competition for vacant state grants
-- held in the following holidays (rules A5, B16), within the programme and within the programme
-- group and course.
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

labels as (
    select * from {{ ref('academic_list_labels') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

competitors as (
    select
        standing.academic_year,
        standing.term,
        standing.term_seq,
        standing.program_code,
        programs.program_group,
        -- the course of the orders in force at the end of the term (B10)
        status_history.course,
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
    left join programs on standing.program_code = programs.program_code
    left join status_history
        on
            standing.student_id = status_history.student_id
            and {{ contingent_period_in_force('standing.as_of_date', 'status_history') }}
    where
        terms.is_regular_semester
        and not fundings.is_state_grant
        -- attending the university (seed contingent_statuses.is_studying: active)
        and statuses.is_studying
),

grouped as (
    select
        *,
        case tie_tier
            when 1 then 'only_excellent'
            when 2 then 'only_good_or_excellent'
            else 'other'
        end as tie_group
    from competitors
)

select
    grouped.academic_year,
    grouped.term,
    grouped.program_code,
    programs.faculty_code,
    rank() over (
        partition by grouped.academic_year, grouped.term, grouped.program_code
        order by grouped.cumulative_gpa desc nulls last, grouped.tie_tier asc
    ) as rank_in_programme,
    grouped.program_group,
    grouped.course,
    -- B16: the competition of a programme group and course (the same tie-breaks)
    rank() over (
        partition by grouped.academic_year, grouped.term, grouped.program_group, grouped.course
        order by grouped.cumulative_gpa desc nulls last, grouped.tie_tier asc
    ) as rank_in_group_course,
    grouped.student_id,
    students.full_name,
    students.group_code,
    grouped.cumulative_gpa,
    grouped.tie_tier,
    grouped.tie_group,
    {{ code_label_columns('tie_labels', 'grouped.tie_group', 'tie_group') }},
    grouped.cumulative_gpa_credits,
    grouped.cumulative_credits_earned,
    grouped.n_debts,
    grouped.term_seq
from grouped
inner join students on grouped.student_id = students.student_id
left join programs on grouped.program_code = programs.program_code
left join labels as tie_labels
    on
        tie_labels.list = 'vacant_grant_tie_group'
        and grouped.tie_group = tie_labels.code
