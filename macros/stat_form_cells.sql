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

{#- `coalesce(bool_or(dimension = 'a'), false) as names_a, ...`: whether the rows of a `conditions`
    CTE (grouped) name each of the dimensions given. -#}
{% macro stat_form_named_flags(dimensions) -%}
    {%- for dimension in dimensions -%}
        coalesce(bool_or(dimension = '{{ dimension }}'), false) as names_{{ dimension }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- Each dimension of `source` as text where `flags` (stat_form_named_flags) names it, else null:
    `... as a, ...`, or `a := ..., ...` inside struct_pack when `as_struct`. -#}
{% macro stat_form_named_values(dimensions, flags, source, as_struct=false) -%}
    {%- for dimension in dimensions -%}
        {%- set value = 'case when ' ~ flags ~ '.names_' ~ dimension ~ ' then cast(' ~ source ~ '.' ~ dimension
            ~ ' as varchar) end' -%}
        {{ (dimension ~ ' := ' ~ value) if as_struct else (value ~ ' as ' ~ dimension) }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The CTEs that turn a population (rpt_census_population), the labels of its values
    (rpt_census_value_labels) and a layout (a stat_form_*_layout seed) into the form's cells, ending
    in a CTE `cells`. A filter is `dimension=value` conditions joined by `;`; a value may list
    alternatives (`a|b`) or be `*` (one row or column per value found). An item counts in a cell when
    it meets every condition of its part, its row and its column.

    The filters are evaluated in two steps, so that each is cheap: first which items each part counts
    (its part line's filter), then, per part, the rows and columns. Before the second step a part's items
    are merged where they agree on every dimension the part's rows and columns name (census date and
    faculty kept): such items fall into the same cells, so their counts are added and the rows and
    columns are evaluated once for all of them. -#}
{% macro stat_form_cells(population, value_labels, layout) -%}
lines as (
    select
        -- a number per line, so that the evaluation groups and joins by one integer
        row_number() over (order by part, axis, code) as line_id,
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
        lines.line_id,
        lines.part,
        lines.axis,
        split_part(parts.condition, '=', 1) as dimension,
        string_split(split_part(parts.condition, '=', 2), '|') as accepted
    from lines
    cross join unnest(string_split(lines.filter, ';')) as parts (condition)
    where parts.condition != ''
),

line_sizes as (
    select
        lines.line_id,
        lines.part,
        lines.axis,
        lines.code,
        count(conditions.dimension) as n_conditions,
        -- the dimension a line expands into one row or column per value (its `*` condition)
        max(conditions.dimension) filter (where conditions.accepted = ['*']) as expanded_dimension
    from lines
    left join conditions on lines.line_id = conditions.line_id
    group by lines.line_id, lines.part, lines.axis, lines.code
),

sized_conditions as (
    select
        conditions.*,
        line_sizes.n_conditions
    from conditions
    inner join line_sizes on conditions.line_id = line_sizes.line_id
),

part_filter_dimensions as (
    -- whether any part line's filter names each dimension (one row, also for a layout without parts)
    select
        {{ stat_form_named_flags(stat_form_dimensions()) }}
    from conditions
    where axis = 'part'
),

keyed_population as (
    -- each item with its combination of the stat_form_dimensions() the part filters name (the others null): the
    -- part filters are evaluated once per combination, not once per item
    select
        population.item_id,
        struct_pack(
            {{ stat_form_named_values(stat_form_dimensions(), 'part_filter_dimensions', 'population', as_struct=true) }}
        ) as part_key
    from {{ population }} as population
    cross join part_filter_dimensions
),

key_attributes as (
    -- every named attribute of every combination as (dimension, value): what the part filters compare
    unpivot (
        select
            part_key,
            unnest(part_key)
        from (select distinct part_key from keyed_population)
    )
    on {{ stat_form_dimensions() | join(', ') }}
    into name dimension value value
),

part_keys as (
    -- the combinations each part counts: those meeting every condition of its part line's filter
    select
        sized_conditions.part,
        key_attributes.part_key
    from sized_conditions
    inner join key_attributes
        on
            sized_conditions.dimension = key_attributes.dimension
            and (sized_conditions.accepted = ['*'] or list_contains(sized_conditions.accepted, key_attributes.value))
    where sized_conditions.axis = 'part'
    group by sized_conditions.line_id, sized_conditions.part, key_attributes.part_key
    having count(*) = any_value(sized_conditions.n_conditions)
    union all
    -- a part line with an empty filter takes every item
    select
        line_sizes.part,
        keys.part_key
    from line_sizes
    cross join (select distinct part_key from keyed_population) as keys
    where line_sizes.axis = 'part' and line_sizes.n_conditions = 0
),

part_members as (
    -- the items of each part
    select
        part_keys.part,
        keyed_population.item_id
    from part_keys
    inner join keyed_population on part_keys.part_key is not distinct from keyed_population.part_key
),

part_dimensions as (
    -- per part, whether its rows and columns name each dimension
    select
        part,
        {{ stat_form_named_flags(stat_form_dimensions()) }}
    from conditions
    where axis in ('row', 'column')
    group by part
),

merged_items as (
    -- a part's items, each dimension its rows and columns do not name dropped, and merged
    select
        part_members.part,
        population.census_date,
        population.faculty_code as census_faculty_code,
        {{ stat_form_named_values(stat_form_dimensions(), 'part_dimensions', 'population') }},
        sum(population.n) as n
    from part_members
    inner join {{ population }} as population on part_members.item_id = population.item_id
    left join part_dimensions on part_members.part = part_dimensions.part
    group by all
),

part_items as (
    select
        -- an id of the merged item, the same on every read of this CTE
        row_number() over (
            order by part, census_date, census_faculty_code, {{ stat_form_dimensions() | join(', ') }}
        ) as item_id,
        *
    from merged_items
),

part_attributes as (
    -- the named attributes of each part's merged items as (dimension, value)
    unpivot (
        select
            part,
            item_id,
            {{ stat_form_dimensions() | join(', ') }}
        from part_items
    )
    on {{ stat_form_dimensions() | join(', ') }}
    into name dimension value value
),

line_items as (
    -- a merged item belongs to a row or column line of its part when it meets every condition of the
    -- line's filter
    select
        sized_conditions.line_id,
        part_attributes.item_id,
        coalesce(max(part_attributes.value) filter (where sized_conditions.accepted = ['*']), '') as value
    from sized_conditions
    inner join part_attributes
        on
            sized_conditions.part = part_attributes.part
            and sized_conditions.dimension = part_attributes.dimension
            and (sized_conditions.accepted = ['*'] or list_contains(sized_conditions.accepted, part_attributes.value))
    where sized_conditions.axis in ('row', 'column')
    group by sized_conditions.line_id, part_attributes.item_id
    having count(*) = any_value(sized_conditions.n_conditions)
    union all
    -- a line with an empty filter takes every item of its part
    select
        line_sizes.line_id,
        part_items.item_id,
        '' as value
    from line_sizes
    inner join part_items on line_sizes.part = part_items.part
    where line_sizes.axis in ('row', 'column') and line_sizes.n_conditions = 0
),

placed_items as (
    -- the lines each merged item belongs to, with its part, census date, faculty and count
    select
        line_sizes.part,
        line_sizes.axis,
        line_sizes.code,
        line_sizes.expanded_dimension,
        line_items.value,
        part_items.item_id,
        part_items.census_date,
        part_items.census_faculty_code as faculty_code,
        part_items.n
    from line_items
    inner join line_sizes on line_items.line_id = line_sizes.line_id
    inner join part_items on line_items.item_id = part_items.item_id
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
    from placed_items as row_items
    inner join placed_items as column_items
        on row_items.item_id = column_items.item_id and column_items.axis = 'column'
    where row_items.axis = 'row'
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
        census_date,
        faculty_code,
        part,
        axis,
        code,
        value
    from placed_items
    where expanded_dimension is not null
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
