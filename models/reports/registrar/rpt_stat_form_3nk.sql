-- The census report of bachelor students (form 3-НК), rules B20: every cell of every census date and faculty,
-- evaluated from the layout seed stat_form_3nk_layout (macro stat_form_cells), so that the layout
-- of the year is configuration: a new line of the seed is a new row or column on the next build.
with population as (
    select * from {{ ref('rpt_census_population') }}
),

value_labels as (
    select * from {{ ref('rpt_census_value_labels') }}
),

layout as (
    select * from {{ ref('stat_form_3nk_layout') }}
),

{{ stat_form_cells('population', 'value_labels', 'layout') }}

select * from cells
