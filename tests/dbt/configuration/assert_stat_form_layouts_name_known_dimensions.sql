-- every condition of the form layouts (seeds stat_form_*_layout) is `dimension=value` with a
-- dimension of rpt_census_population, no line expands (`*`) on two dimensions, and every row and
-- column belongs to a part that has its part line.
with lines as (
    select
        'stat_form_3nk_layout' as seed,
        *
    from {{ ref('stat_form_3nk_layout') }}
    union all
    select
        'stat_form_1nk_layout' as seed,
        *
    from {{ ref('stat_form_1nk_layout') }}
),

conditions as (
    select
        lines.seed,
        lines.part,
        lines.axis,
        lines.code,
        parts.condition
    from lines
    cross join unnest(string_split(replace(coalesce(lines.filter, ''), ' ', ''), ';')) as parts (condition)
    where parts.condition != ''
),

part_lines as (
    select distinct
        seed,
        part
    from lines
    where axis = 'part'
)

select
    seed,
    part,
    axis,
    code,
    condition as problem
from conditions
where
    split_part(condition, '=', 1) not in ('{{ stat_form_dimensions() | join("', '") }}')  -- noqa: LT05
    or split_part(condition, '=', 2) = ''
union all
select
    seed,
    part,
    axis,
    code,
    'more than one * condition: ' || string_agg(condition, ';') as problem
from conditions
where condition like '%=*'
group by seed, part, axis, code
having count(*) > 1
union all
select
    lines.seed,
    lines.part,
    lines.axis,
    lines.code,
    'no part line for this part' as problem
from lines
left join part_lines on lines.seed = part_lines.seed and lines.part = part_lines.part
where part_lines.part is null
