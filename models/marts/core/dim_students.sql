-- One row per student ever admitted: today's record in the AIS (identity, programme, status,
-- group), the intake and plan the record is read against, and the name keys of the student
-- search. No grade model is read here: the standing (GPA, credits, debts, plan progress) is
-- fct_student_standing, so the contingent marts and the state forms never wait on grades.
with students as (
    select * from {{ ref('stg_ais__students') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

plans as (
    select * from {{ ref('int_student_plans') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

levels as (
    select * from {{ ref('study_levels') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

study_forms as (
    select * from {{ ref('study_forms') }}
),

name_orders as (
    -- each student's place in the alphabetical list in Kazakh and in Russian order (ICU collations), so
    -- that a search lists its first matches by name without collating every match (slow when a
    -- fragment matches thousands)
    select
        student_id,
        row_number() over (order by full_name collate kk, student_id) as name_order_kk,
        row_number() over (order by full_name collate ru, student_id) as name_order_ru
    from students
)

select
    students.student_id,
    students.full_name,
    students.last_name,
    students.first_name,
    students.middle_name,
    -- the name in lower case and in Latin letters (macro latin_search_name), so that the student
    -- page finds a name with a plain LIKE: ILIKE lower-cases every Cyrillic name on every search
    lower(students.full_name) as full_name_lower,
    {{ latin_search_name('students.full_name') }} as full_name_latin,
    name_orders.name_order_kk,
    name_orders.name_order_ru,
    students.iin,
    students.gender,
    students.birth_date,
    students.citizenship,
    -- the one definition of the group the contingent marts and the state forms count by (rules A4)
    case
        when students.citizenship = '{{ var("domestic_citizenship") }}' then 'domestic' else 'foreign'
    end as citizenship_group,
    students.program_code,
    programs.faculty_code,
    programs.level,
    {{ code_label_columns('levels', 'programs.level', 'level') }},
    students.study_form,
    {{ code_label_columns('study_forms', 'students.study_form', 'study_form') }},
    students.study_language,
    students.funding,
    {{ code_label_columns('fundings', 'students.funding', 'funding') }},
    students.status,
    {{ code_label_columns('statuses', 'students.status', 'status') }},
    -- studying now, as seed contingent_statuses.is_studying says (the Home page's count)
    coalesce(statuses.is_studying, false) as is_studying,
    students.group_code,
    students.advisor_id,
    students.social_benefit,
    students.admission_basis,
    plans.entry_year_start,
    plans.entry_course,
    plans.cohort_year,
    plans.curriculum_intake_year,
    students.source_row
from students
inner join programs on students.program_code = programs.program_code
left join plans on students.student_id = plans.student_id
inner join name_orders on students.student_id = name_orders.student_id
left join statuses on students.status = statuses.status
left join levels on programs.level = levels.level
left join fundings on students.funding = fundings.funding
left join study_forms on students.study_form = study_forms.study_form
