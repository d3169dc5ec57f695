-- The session results a viewer may read (rules B9, B30, issue 21): for each session, faculty × each
-- dimension offered to the viewer, with every margin (faculty totals, value totals, the session's total),
-- small cells suppressed jointly over all of them (macro small_cell_suppression), in three nested layers:
--   1. the graded results of a cell;
--   2. their split into passed and not passed (FX, F and the other failing letters together): where
--      either is small both are blanked, with the success rate (a rate and a total give the count);
--   3. the passed split into quality and the rest: where either is small, the quality rate is blanked.
-- A layer is always hidden where the layer before is, so no blanked count is a total minus shown ones.
{#- each dimension a viewer may choose (var viewer_attestation_dimensions), with its code -#}
{%- set known = {
    'study_form': 'study_form',
    'course': 'course',
    'study_language': 'study_language',
} %}
{%- set dimensions = [] %}
{%- set chosen = var('viewer_attestation_dimensions') %}
{%- if chosen is string %}{% set chosen = known.keys() | list %}{% endif %}  {#- a linter renders a var as text #}
{%- for name in chosen %}
    {%- do dimensions.append((name, known[name])) %}
{%- endfor %}
with breakdown as (
    select * from {{ ref('fct_attestation_breakdown') }}
),

by_value as (
    {%- for name, code in dimensions %}
        select
            academic_year,
            term,
            '{{ name }}' as dimension,
            faculty_code,
            cast({{ code }} as varchar) as value_code,  -- noqa: LT02
            sum(n_graded)::integer as n_graded,
            sum(n_passed)::integer as n_passed,
            sum(n_quality)::integer as n_quality
        from breakdown
        group by all
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

faculties as (
    select distinct
        academic_year,
        term,
        faculty_code
    from by_value
),

dimension_values as (
    select distinct
        academic_year,
        term,
        dimension,
        value_code
    from by_value
),

grid as (
    -- every faculty × every value of the session, zeros included
    select
        dimension_values.*,
        faculties.faculty_code,
        coalesce(by_value.n_graded, 0) as n_graded,
        coalesce(by_value.n_passed, 0) as n_passed,
        coalesce(by_value.n_quality, 0) as n_quality
    from dimension_values
    inner join faculties
        on
            dimension_values.academic_year = faculties.academic_year
            and dimension_values.term = faculties.term
    left join by_value
        on
            dimension_values.academic_year = by_value.academic_year
            and dimension_values.term = by_value.term
            and dimension_values.dimension = by_value.dimension
            and dimension_values.value_code = by_value.value_code
            and faculties.faculty_code = by_value.faculty_code
),

with_margins as (
    select
        academic_year,
        term,
        dimension,
        faculty_code,
        value_code,
        sum(n_graded)::integer as n_graded,
        sum(n_passed)::integer as n_passed,
        sum(n_graded - n_passed)::integer as n_not_passed,
        sum(n_quality)::integer as n_quality,
        sum(n_passed - n_quality)::integer as n_passed_not_quality
    from grid
    group by grouping sets (
        (academic_year, term, dimension, faculty_code, value_code),
        (academic_year, term, dimension, faculty_code),
        (academic_year, term, dimension, value_code),
        (academic_year, term, dimension)
    )
),

graded_layer as (
    {{ small_cell_suppression('with_margins', ['academic_year', 'term'], ['n_graded']) }}
),

graded_decided as (
    select * rename (is_hidden as graded_hidden) from graded_layer
),

passed_layer as (
    {{ small_cell_suppression('graded_decided', ['academic_year', 'term'], ['n_passed', 'n_not_passed'],
       seed='graded_hidden') }}
),

passed_decided as (
    select * rename (is_hidden as passed_hidden) from passed_layer
),

quality_layer as (
    {{ small_cell_suppression('passed_decided', ['academic_year', 'term'], ['n_quality', 'n_passed_not_quality'],
       seed='passed_hidden') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
)

select
    quality_layer.academic_year,
    quality_layer.term,
    terms.term_seq,
    quality_layer.dimension,
    quality_layer.faculty_code,
    quality_layer.value_code,
    case when not quality_layer.graded_hidden then quality_layer.n_graded end as n_graded,
    case when not quality_layer.passed_hidden then quality_layer.n_passed end as n_passed,
    case when not quality_layer.passed_hidden then quality_layer.n_not_passed end as n_not_passed,
    case when not quality_layer.is_hidden then quality_layer.n_quality end as n_quality,
    case
        when not quality_layer.passed_hidden and quality_layer.n_graded > 0
            then quality_layer.n_passed / quality_layer.n_graded
    end as success_rate,
    case
        when not quality_layer.is_hidden and quality_layer.n_graded > 0
            then quality_layer.n_quality / quality_layer.n_graded
    end as quality_rate,
    quality_layer.graded_hidden,
    quality_layer.passed_hidden,
    quality_layer.is_hidden as quality_hidden
from quality_layer
left join terms
    on quality_layer.academic_year = terms.academic_year and quality_layer.term = terms.term
