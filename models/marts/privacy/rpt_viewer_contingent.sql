-- The headcount a viewer may read (rules B30, issue 21): on each census date (B12), faculty × each
-- dimension offered to the viewer, with every margin (faculty totals, value totals, the grand total),
-- small cells suppressed jointly over all of them (macro small_cell_suppression). A viewer's page reads
-- only this table, so whatever they choose, they see a published number and never a new total.
{#- each dimension a viewer may choose (var viewer_contingent_dimensions): its code, and whether the mart
    labels it (<name>_label_<lang>, <name>_sort_order) -#}
{%- set known = {
    'level': ('level', true),
    'course': ('cast(course as varchar)', false),
    'funding': ('funding', true),
    'study_form': ('study_form', true),
    'study_language': ('study_language', true),
    'citizenship': ('citizenship_group', false),
} %}
{%- set dimensions = [] %}
{%- set chosen = var('viewer_contingent_dimensions') %}
{%- if chosen is string %}{% set chosen = known.keys() | list %}{% endif %}  {#- a linter renders a var as text #}
{%- for name in chosen %}
    {%- do dimensions.append((name, known[name][0], known[name][1])) %}
{%- endfor %}
with monthly as (
    select * from {{ ref('fct_contingent_monthly') }}
    where is_census_date
),

by_value as (
    -- one row per census date, dimension, faculty and value with students enrolled
    {%- for name, code, labelled in dimensions %}
        select
            snapshot_date,
            '{{ name }}' as dimension,
            faculty_code,
            {{ code }} as value_code,
            {%- if labelled %}
                any_value({{ name }}_label_kk) as value_label_kk,
                any_value({{ name }}_label_ru) as value_label_ru,
                any_value({{ name }}_label_en) as value_label_en,
                min({{ name }}_sort_order) as value_sort_order,
            {%- else %}
                null::varchar as value_label_kk,
                null::varchar as value_label_ru,
                null::varchar as value_label_en,
                null::integer as value_sort_order,
            {%- endif %}
            sum(headcount)::integer as headcount
        from monthly
        group by all
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

faculties as (
    select distinct
        snapshot_date,
        faculty_code
    from by_value
),

dimension_values as (
    select
        snapshot_date,
        dimension,
        value_code,
        any_value(value_label_kk) as value_label_kk,
        any_value(value_label_ru) as value_label_ru,
        any_value(value_label_en) as value_label_en,
        min(value_sort_order) as value_sort_order
    from by_value
    group by all
),

grid as (
    -- every faculty × every value of the date, zeros included: a zero is a cell the viewer sees
    select
        dimension_values.*,
        faculties.faculty_code,
        coalesce(by_value.headcount, 0) as headcount
    from dimension_values
    inner join faculties on dimension_values.snapshot_date = faculties.snapshot_date
    left join by_value
        on
            dimension_values.snapshot_date = by_value.snapshot_date
            and dimension_values.dimension = by_value.dimension
            and dimension_values.value_code = by_value.value_code
            and faculties.faculty_code = by_value.faculty_code
),

with_margins as (
    select
        snapshot_date,
        dimension,
        faculty_code,
        value_code,
        sum(headcount)::integer as headcount
    from grid
    group by grouping sets (
        (snapshot_date, dimension, faculty_code, value_code),
        (snapshot_date, dimension, faculty_code),
        (snapshot_date, dimension, value_code),
        (snapshot_date, dimension)
    )
),

suppressed as (
    {{ small_cell_suppression('with_margins', ['snapshot_date'], ['headcount']) }}
)

select
    suppressed.snapshot_date,
    suppressed.dimension,
    suppressed.faculty_code,
    suppressed.value_code,
    dimension_values.value_label_kk,
    dimension_values.value_label_ru,
    dimension_values.value_label_en,
    dimension_values.value_sort_order,
    case when not suppressed.is_hidden then suppressed.headcount end as headcount,
    suppressed.is_hidden
from suppressed
left join dimension_values
    on
        suppressed.snapshot_date = dimension_values.snapshot_date
        and suppressed.dimension = dimension_values.dimension
        and suppressed.value_code = dimension_values.value_code
