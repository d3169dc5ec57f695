-- The traditional-grade counts and the letter counts of fct_attestation_results each add up to
-- n_graded, with the columns of the scale in use (macro grade_scale_codes) and n_pass for the pass
-- letter: a scale without FX has no n_fx to add.
{%- set codes = grade_scale_codes() %}
-- depends_on: {{ ref('grade_scale') }}
select *
from {{ ref('fct_attestation_results') }}
where
    {% for code in codes['traditional_grades'] -%}
        n_{{ code_column_name(code) }} +
    {% endfor -%}
    n_pass != n_graded
    or {% for code in codes['failing_letters'] + codes['passing_letters'] -%}
        n_{{ code_column_name(code) }} +
    {% endfor -%}
    n_pass != n_graded
