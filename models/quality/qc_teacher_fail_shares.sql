-- Feed of the expectation suite teacher_fail_shares. Main sessions only: summer terms gather
-- the students re-studying failed disciplines, so their share says nothing about the teacher;
-- a teacher with few results is left out (var teacher_fail_share_min_graded). Failed: the failing
-- letters of the scale in use (FX and F on the 2018 scale), whichever the scale has.
{%- set failed = [] %}
{%- for code in grade_scale_codes()['failing_letters'] %}
    {%- do failed.append('sum(attestation.n_' ~ code_column_name(code) ~ ')') %}
{%- endfor %}
-- depends_on: {{ ref('grade_scale') }}
with attestation as (
    select * from {{ ref('fct_attestation_results') }}
),

terms as (
    select * from {{ ref('terms') }}
)

select
    attestation.academic_year,
    attestation.term,
    attestation.teacher_id,
    sum(attestation.n_graded) as n_graded,
    ({{ failed | join(' + ') or '0' }}) / sum(attestation.n_graded) as fail_share
from attestation
inner join terms on attestation.term = terms.term
where attestation.teacher_id is not null and terms.is_regular_semester
group by attestation.academic_year, attestation.term, attestation.teacher_id
having sum(attestation.n_graded) >= {{ var('teacher_fail_share_min_graded') }}
