-- One row per student ever admitted: today's record in the AIS described from that student's row
-- alone (identity, search keys of the name, programme, labels, intake and plan). dim_students adds
-- what needs every student (the places in the alphabetical lists) and the source row.
with students as (
    select * from {{ ref('stg_ais__students') }}
    where {{ changed_students_only('student_id') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

plans as (
    select * from {{ ref('int_student_plans') }}
    where {{ changed_students_only('student_id') }}
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
    plans.curriculum_intake_year
from students
inner join programs on students.program_code = programs.program_code
left join plans on students.student_id = plans.student_id
left join statuses on students.status = statuses.status
left join levels on programs.level = levels.level
left join fundings on students.funding = fundings.funding
left join study_forms on students.study_form = study_forms.study_form
