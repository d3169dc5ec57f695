-- One row per academic year × term × discipline × group × teacher × programme × course × form of
-- study × language of instruction: the session results of fct_attestation_results (rules B9, the
-- same first attempts and the same counts) split further by the students' course, form and
-- language in that term, so the deans' page filters by them without reading the grades. It counts
-- the first attempts int_sittings_placed places; a nightly build counts again only the groups a
-- changed student's rows fall in (rules C8, macros/incremental_keys.sql). It adds
-- what a page needs to aggregate exactly: the quality count, the sum of final scores (a mean of
-- any selection is sum / count, never a mean of means) and the students who still owe the
-- discipline after the term's retakes (a debtor is counted once however many rows hold them).
{%- set codes = grade_scale_codes() %}
{%- set grade_classes = codes['traditional_grades'] %}
{%- set failing_letters = codes['failing_letters'] %}
{%- set passing_letters = codes['passing_letters'] %}
-- depends_on: {{ ref('grade_scale') }}
with placed as (
    select * from {{ ref('int_sittings_placed') }}
    where {{ changed_keys_only('int_sittings_placed') }}
),

study_forms as (
    select * from {{ ref('study_forms') }}
),

study_languages as (
    select * from {{ ref('study_languages') }}
),

counted as (
    select
        academic_year,
        term,
        discipline_code,
        group_code,
        teacher_id,
        faculty_code,
        program_code,
        course,
        study_form,
        study_language,
        -- graded: every student with a first attempt, the not admitted and no-shows included
        count(*) as n_graded,
        count(*) filter (where is_passed) as n_passed,
        -- quality as the seed traditional_grades says (counts_as_quality), so a page needs no list
        count(*) filter (where counts_as_quality) as n_quality,
        -- by traditional grade (n_excellent, n_good, ...) and by failing letter (n_fx, n_f)
        {{- count_by_code('traditional_grade', grade_classes) }}
        {{- count_by_code('letter_grade', failing_letters) }}
        count(*) filter (where grade_basis = 'not_admitted') as n_not_admitted,
        count(*) filter (where grade_basis = 'no_show') as n_no_show,
        count(*) filter (where is_passed) / count(*) as success_rate,
        count(*) filter (where counts_as_quality) / count(*) as quality_rate,
        -- the mean of any selection of rows is sum(total_final_score) / sum(n_scored)
        sum(final_score) as total_final_score,
        count(final_score) as n_scored,
        avg(final_score) as mean_final_score,
        -- by passing letter of the scale in use (n_a, n_a_minus, ..., n_d)
        {{- count_by_code('letter_grade', passing_letters) }}
        count(*) filter (where letter_grade = {{ academic_text_var('letter_pass') }}) as n_pass,
        -- after the retakes of the same term
        count(*) filter (where is_passed_after_retakes) as n_passed_after_retakes,
        count(*) filter (where is_passed_after_retakes) / count(*) as success_rate_after_retakes,
        -- the debtors of the session: students whose result is still not passed after its retakes,
        -- in student order, so that the same files always give the same list
        coalesce(
            list(student_id order by student_id) filter (where not is_passed_after_retakes), []
        ) as debtor_student_ids,
        min(academic_year_start) as academic_year_start,
        min(term_order) as term_order,
        min(academic_year_start) * 10 + min(term_order) as term_seq
    from placed
    group by
        academic_year, term, discipline_code, group_code, teacher_id, faculty_code, program_code,
        course, study_form, study_language
),

final as (
    -- the labels and seed order of the form and language of study, so that the page reads no seed
    select
        counted.*,
        {{ code_label_columns('study_forms', 'counted.study_form', 'study_form') }},
        study_forms.sort_order as study_form_sort_order,
        {{ code_label_columns('study_languages', 'counted.study_language', 'study_language') }},
        study_languages.sort_order as study_language_sort_order
    from counted
    left join study_forms on counted.study_form = study_forms.study_form
    left join study_languages on counted.study_language = study_languages.study_language
)

select * from final
