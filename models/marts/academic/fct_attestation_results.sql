-- One row per academic year × term × discipline × group × teacher × programme: the session
-- (attestation) results deans receive, read from first attempts, with the results after the
-- retakes of the same term beside them (rules B9). The first attempts are read once, in
-- fct_attestation_breakdown; this mart sums its rows over course, form and language of study and
-- takes each rate as a ratio of the sums. The count columns by traditional grade and by letter
-- are generated from the seeds at compile time (macro sum_by_code, as count_by_code there), so a
-- new scale version brings its own columns instead of silently counting zeros. A nightly build sums
-- again only the grade sheets a changed student's first attempts fall in (rules C8,
-- macros/incremental_keys.sql): their breakdown rows are tonight's.
{%- set codes = grade_scale_codes() %}
{%- set grade_classes = codes['traditional_grades'] %}
{%- set failing_letters = codes['failing_letters'] %}
{%- set passing_letters = codes['passing_letters'] %}
-- depends_on: {{ ref('grade_scale') }}
-- its changed keys are those of the rows the breakdown counts: depends_on: {{ ref('int_sittings_placed') }}
with breakdown as (
    select * from {{ ref('fct_attestation_breakdown') }}
    where {{ changed_keys_only('fct_attestation_breakdown') }}
)

select
    academic_year,
    term,
    discipline_code,
    group_code,
    teacher_id,
    faculty_code,
    program_code,
    -- graded: every student with a first attempt, the not admitted and no-shows included
    sum(n_graded)::bigint as n_graded,
    sum(n_passed)::bigint as n_passed,
    -- by traditional grade (seed grade_scale: n_excellent, n_good, ...) and by failing letter (n_fx, n_f)
    {{- sum_by_code(grade_classes) }}
    {{- sum_by_code(failing_letters) }}
    sum(n_not_admitted)::bigint as n_not_admitted,
    sum(n_no_show)::bigint as n_no_show,
    -- success rate = passed / graded; quality rate = (excellent + good) / graded (seed traditional_grades)
    sum(n_passed) / sum(n_graded) as success_rate,
    sum(n_quality) / sum(n_graded) as quality_rate,
    sum(total_final_score)::double / sum(n_scored) as mean_final_score,
    -- by passing letter of the scale in use (n_a, n_a_minus, ..., n_d)
    {{- sum_by_code(passing_letters) }}
    sum(n_pass)::bigint as n_pass,
    -- after the retakes of the same term
    sum(n_passed_after_retakes)::bigint as n_passed_after_retakes,
    sum(n_passed_after_retakes) / sum(n_graded) as success_rate_after_retakes,
    min(academic_year_start) as academic_year_start,
    min(term_order) as term_order
from breakdown
group by academic_year, term, discipline_code, group_code, teacher_id, faculty_code, program_code
