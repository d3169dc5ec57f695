{#- Statistical forms 3-НК and 1-НК (docs/rules.md B20): the cells of a form, evaluated from its
    layout seed at run time, so a line added to the seed is a new row or column on the next build
    with no change to SQL. -#}

{#- The attributes a layout filter may name: the columns of rpt_census_population that describe
    a student or an order line (the configuration test of the layouts checks every filter against
    this list). -#}
{% macro stat_form_dimensions() -%}
    {{ return([
        'measure', 'faculty_code', 'level', 'program_group', 'program_code', 'course', 'study_form',
        'study_language', 'funding', 'state_grant', 'gender', 'citizenship_group', 'admission_basis', 'age_band',
        'status', 'in_headcount', 'movement', 'reason'
    ]) }}
{%- endmacro %}

{#- The age bands of the forms (rules B20), youngest first, each a dict of `band` (its code), `kind`
    (under, range, from), `lower` and `upper` (inclusive; none where open) and `bound` (the age an open
    band's label names): ages below the first of var stat_form_age_band_starts are `under_<first>`, a
    band starts at each age listed and ends before the next, and the top band is `<age>_and_over` from
    var stat_form_age_top_band_from. A band of one age is coded by the age (`18`), of several as `25-29`. -#}
{% macro stat_form_age_bands() -%}
    {%- set starts = var('stat_form_age_band_starts') -%}
    {%- set top = var('stat_form_age_top_band_from') -%}
    {#- sqlfluff's templater renders var() as text: lint with one band -#}
    {%- if starts is string %}{% set starts = [18] %}{% endif -%}
    {%- if top is string %}{% set top = 60 %}{% endif -%}
    {%- set starts = starts | map('int') | sort -%}
    {%- set top = top | int -%}
    {%- set bands = [{'band': 'under_' ~ starts[0], 'kind': 'under', 'lower': none, 'upper': starts[0] - 1,
                      'bound': starts[0]}] -%}
    {%- for lower in starts -%}
        {%- set upper = (starts[loop.index0 + 1] if not loop.last else top) - 1 -%}
        {%- do bands.append({'band': (lower ~ '') if lower == upper else (lower ~ '-' ~ upper), 'kind': 'range',
                             'lower': lower, 'upper': upper, 'bound': lower}) -%}
    {%- endfor -%}
    {%- do bands.append({'band': top ~ '_and_over', 'kind': 'from', 'lower': top, 'upper': none, 'bound': top}) -%}
    {{ return(bands) }}
{%- endmacro %}

{#- The form's age band (stat_form_age_bands) of an age; null for an unknown age. -#}
{% macro stat_form_age_band(age) -%}
    case
    {%- for band in stat_form_age_bands() %}
        {%- set bound = '<= ' ~ band.upper if band.upper is not none else '>= ' ~ band.lower %}
        when {{ age }} {{ bound }} then '{{ band.band }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- `cast(a as varchar) as a, cast(b as varchar) as b` for the columns given. -#}
{% macro stat_form_as_text(columns) -%}
    {%- for column in columns -%}
        cast({{ column }} as varchar) as {{ column }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The CTEs that turn a population (rpt_census_population), the labels of its values
    (rpt_census_value_labels) and a layout (a stat_form_*_layout seed) into the form's cells, ending
    in a CTE `cells`. A filter is `dimension=value` conditions joined by `;`; a value may list
    alternatives (`a|b`) or be `*` (one row or column per value found). An item counts in a cell when
    it meets every condition of its part, its row and its column. -#}
{% macro stat_form_cells(population, value_labels, layout) -%}
attributes as (
    -- every attribute of every population item as (dimension, value): what the filters compare
    unpivot (
        select
            item_id,
            -- unpivot needs one type: every dimension as text
            {{ stat_form_as_text(stat_form_dimensions()) }}
        from {{ population }}
    )
    on {{ stat_form_dimensions() | join(', ') }}
    into name dimension value value
),

lines as (
    select
        part,
        axis,
        code,
        sort_order,
        label_kk,
        label_ru,
        label_en,
        -- codes have no spaces: drop those written around `;`, `=` and `|`
        replace(coalesce(filter, ''), ' ', '') as filter
    from {{ layout }}
),

conditions as (
    -- one row per condition of a line; accepted is the list of its values (['*'] = any, expanded)
    select
        lines.part,
        lines.axis,
        lines.code,
        split_part(parts.condition, '=', 1) as dimension,
        string_split(split_part(parts.condition, '=', 2), '|') as accepted
    from lines
    cross join unnest(string_split(lines.filter, ';')) as parts (condition)
    where parts.condition != ''
),

line_sizes as (
    select
        lines.part,
        lines.axis,
        lines.code,
        count(conditions.dimension) as n_conditions,
        -- the dimension a line expands into one row or column per value (its `*` condition)
        max(conditions.dimension) filter (where conditions.accepted = ['*']) as expanded_dimension
    from lines
    left join conditions
        on lines.part = conditions.part and lines.axis = conditions.axis and lines.code = conditions.code
    group by lines.part, lines.axis, lines.code
),

met_conditions as (
    select
        conditions.part,
        conditions.axis,
        conditions.code,
        attributes.item_id,
        case when conditions.accepted = ['*'] then attributes.value end as expanded_value
    from conditions
    inner join attributes
        on
            conditions.dimension = attributes.dimension
            and (conditions.accepted = ['*'] or list_contains(conditions.accepted, attributes.value))
),

line_items as (
    -- an item belongs to a line when it meets every condition of the line's filter
    select
        met_conditions.part,
        met_conditions.axis,
        met_conditions.code,
        met_conditions.item_id,
        coalesce(max(met_conditions.expanded_value), '') as value
    from met_conditions
    inner join line_sizes
        on
            met_conditions.part = line_sizes.part
            and met_conditions.axis = line_sizes.axis
            and met_conditions.code = line_sizes.code
    group by all
    having count(*) = any_value(line_sizes.n_conditions)
    union all
    -- a line with an empty filter takes every item
    select
        line_sizes.part,
        line_sizes.axis,
        line_sizes.code,
        population.item_id,
        '' as value
    from line_sizes
    cross join {{ population }} as population
    where line_sizes.n_conditions = 0
),

part_items as (
    select
        line_items.part,
        line_items.item_id,
        population.census_date,
        population.faculty_code,
        population.n
    from line_items
    inner join {{ population }} as population on line_items.item_id = population.item_id
    where line_items.axis = 'part'
),

row_items as (
    select
        part_items.*,
        line_items.code,
        line_items.value
    from line_items
    inner join part_items on line_items.part = part_items.part and line_items.item_id = part_items.item_id
    where line_items.axis = 'row'
),

column_items as (
    select
        line_items.part,
        line_items.item_id,
        line_items.code,
        line_items.value
    from line_items
    inner join part_items on line_items.part = part_items.part and line_items.item_id = part_items.item_id
    where line_items.axis = 'column'
),

counted as (
    select
        row_items.census_date,
        row_items.faculty_code,
        row_items.part,
        row_items.code as row_code,
        row_items.value as row_value,
        column_items.code as column_code,
        column_items.value as column_value,
        sum(row_items.n) as n
    from row_items
    inner join column_items
        on row_items.part = column_items.part and row_items.item_id = column_items.item_id
    group by all
),

census_faculties as (
    -- every census date with every faculty of the population, so that a faculty's form has all its
    -- fixed rows and columns even where they count nobody
    select distinct
        census_dates.census_date,
        faculties.faculty_code
    from (select distinct census_date from {{ population }}) as census_dates
    cross join (select distinct faculty_code from {{ population }}) as faculties
),

grid_lines as (
    -- the rows and columns of each census date and faculty: a fixed line always, an expanded line once
    -- per value its items have there
    select
        census_faculties.census_date,
        census_faculties.faculty_code,
        line_sizes.part,
        line_sizes.axis,
        line_sizes.code,
        '' as value
    from census_faculties
    cross join line_sizes
    where line_sizes.axis in ('row', 'column') and line_sizes.expanded_dimension is null
    union
    select
        part_items.census_date,
        part_items.faculty_code,
        line_items.part,
        line_items.axis,
        line_items.code,
        line_items.value
    from line_items
    inner join part_items on line_items.part = part_items.part and line_items.item_id = part_items.item_id
    inner join line_sizes
        on
            line_items.part = line_sizes.part
            and line_items.axis = line_sizes.axis
            and line_items.code = line_sizes.code
    where line_items.axis in ('row', 'column') and line_sizes.expanded_dimension is not null
),

described_lines as (
    -- the labels of a line; an expanded line's value is labelled "line label: value label"
    select
        grid_lines.*,
        lines.sort_order,
        value_labels.sort_order as value_sort_order,
        case
            when grid_lines.value = '' then lines.label_kk
            else lines.label_kk || ': ' || coalesce(value_labels.label_kk, grid_lines.value)
        end as label_kk,
        case
            when grid_lines.value = '' then lines.label_ru
            else lines.label_ru || ': ' || coalesce(value_labels.label_ru, grid_lines.value)
        end as label_ru,
        case
            when grid_lines.value = '' then lines.label_en
            else lines.label_en || ': ' || coalesce(value_labels.label_en, grid_lines.value)
        end as label_en
    from grid_lines
    inner join lines
        on grid_lines.part = lines.part and grid_lines.axis = lines.axis and grid_lines.code = lines.code
    inner join line_sizes
        on grid_lines.part = line_sizes.part and grid_lines.axis = line_sizes.axis and grid_lines.code = line_sizes.code
    left join {{ value_labels }} as value_labels
        on line_sizes.expanded_dimension = value_labels.dimension and grid_lines.value = value_labels.value
),

cells as (
    select
        form_rows.census_date,
        form_rows.faculty_code,
        form_rows.part,
        parts.sort_order as part_sort_order,
        parts.label_kk as part_label_kk,
        parts.label_ru as part_label_ru,
        parts.label_en as part_label_en,
        form_rows.code as row_code,
        form_rows.value as row_value,
        form_rows.sort_order as row_sort_order,
        form_rows.value_sort_order as row_value_sort_order,
        form_rows.label_kk as row_label_kk,
        form_rows.label_ru as row_label_ru,
        form_rows.label_en as row_label_en,
        form_columns.code as column_code,
        form_columns.value as column_value,
        form_columns.sort_order as column_sort_order,
        form_columns.value_sort_order as column_value_sort_order,
        form_columns.label_kk as column_label_kk,
        form_columns.label_ru as column_label_ru,
        form_columns.label_en as column_label_en,
        coalesce(counted.n, 0)::bigint as n
    from described_lines as form_rows
    inner join described_lines as form_columns
        on
            form_rows.census_date = form_columns.census_date
            and form_rows.faculty_code is not distinct from form_columns.faculty_code
            and form_rows.part = form_columns.part
            and form_columns.axis = 'column'
    inner join lines as parts on form_rows.part = parts.part and parts.axis = 'part'
    left join counted
        on
            form_rows.census_date = counted.census_date
            and form_rows.faculty_code is not distinct from counted.faculty_code
            and form_rows.part = counted.part
            and form_rows.code = counted.row_code
            and form_rows.value = counted.row_value
            and form_columns.code = counted.column_code
            and form_columns.value = counted.column_value
    where form_rows.axis = 'row'
)
{%- endmacro %}
