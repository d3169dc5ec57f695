{#-
  Joint small-cell suppression of a viewer's published tables (rules B30, issue 21 finding 1).

  `cells` is a relation holding, for each key (e.g. a census date, or a session) and each dimension
  offered to the viewer, the whole faculty × value table WITH its margins:
    - interior cells: faculty_code and value_code set (every faculty × every value, zeros included);
    - faculty totals: value_code null (the same numbers in every dimension's table of the key);
    - value totals: faculty_code null; the grand total: both null.
  `parts` are count columns that add up to the cell's students (one column: the count itself; two or
  more: a split of a count already shown, e.g. passed and not passed of the graded). A cell is small
  when any part is between 1 and var privacy_min_cell_students - 1. `seed` (optional) is a boolean
  column: hidden by the layer before (a split is always hidden where its total is).

  Returns the rows of `cells` with `is_hidden`. The greedy, in one pass (no iteration):
    1. the grand total small or seeded: everything of the key hidden;
    2. faculty totals (one decision per key, shared by every dimension): small or seeded ones are
       hidden; if that is exactly one, the smallest other non-zero faculty total too; a faculty whose
       total is hidden has its whole row hidden, zeros included, in every dimension's table;
    3. value totals (per key and dimension): the same, and a hidden value total hides its column;
    4. every other small cell (f, v) hides a rectangle: the cheapest other non-zero cell of its row
       (f, v'), of its column (g, v), and the corner (g, v'); cheapest = already hidden, else fewest.
  So every hidden cell lies on a cycle of hidden cells (a rectangle; two hidden rows through their
  hidden totals; two hidden columns through theirs), and the hidden faculty totals are joined in every
  table by fully hidden rows: no hidden value is a sum or difference of shown ones, within a table or
  across the tables of a key (docs/rules.md B30; tests/unit/test_viewer_privacy.py proves it by rank).
-#}
{% macro small_cell_suppression(cells, keys, parts, seed=none) %}
    {%- set k = keys | join(', ') -%}
    {%- set minimum = var('privacy_min_cell_students') -%}
    {%- set parent = parts | join(' + ') -%}
    {%- set small -%}
        ({% for p in parts %}({{ p }} > 0 and {{ p }} < {{ minimum }}){% if not loop.last %} or {% endif %}{% endfor %})
    {%- endset -%}
with src as (
    select
        *,
        {{ parent }} as sup_n,
        {{ small }} {% if seed %}or coalesce({{ seed }}, false){% endif %} as sup_primary
    from {{ cells }}
),

sup_grand as (
    select {{ k }}, bool_or(sup_primary) as grand_hidden
    from src
    where faculty_code is null and value_code is null
    group by all
),

sup_fac as (
    select {{ k }}, faculty_code, max(sup_n) as sup_n, bool_or(sup_primary) as sup_primary
    from src
    where faculty_code is not null and value_code is null
    group by all
),

sup_fac_hidden as (
    select
        {{ k }},
        faculty_code,
        sup_primary or (
            count(*) filter (where sup_primary) over (partition by {{ k }}) = 1
            and not sup_primary
            and sup_n > 0
            and row_number() over (
                partition by {{ k }}
                order by sup_primary, sup_n = 0, sup_n, faculty_code
            ) = 1
        ) as row_hidden
    from sup_fac
),

sup_val_hidden as (
    select
        {{ k }},
        dimension,
        value_code,
        sup_primary or (
            count(*) filter (where sup_primary) over (partition by {{ k }}, dimension) = 1
            and not sup_primary
            and sup_n > 0
            and row_number() over (
                partition by {{ k }}, dimension
                order by sup_primary, sup_n = 0, sup_n, value_code
            ) = 1
        ) as column_hidden
    from src
    where faculty_code is null and value_code is not null
),

sup_inner as (
    select
        src.*,
        sup_grand.grand_hidden,
        sup_fac_hidden.row_hidden,
        sup_val_hidden.column_hidden,
        sup_grand.grand_hidden or sup_fac_hidden.row_hidden or sup_val_hidden.column_hidden
        or src.sup_primary as base_hidden,
        src.sup_primary and not (
            sup_grand.grand_hidden or sup_fac_hidden.row_hidden or sup_val_hidden.column_hidden
        ) {% if seed %}and not coalesce(src.{{ seed }}, false){% endif %} as needs_rectangle
    from src
    inner join sup_grand using ({{ k }})
    inner join sup_fac_hidden using ({{ k }}, faculty_code)
    inner join sup_val_hidden using ({{ k }}, dimension, value_code)
    where src.faculty_code is not null and src.value_code is not null
),

sup_row_partner as (
    -- the cheapest other non-zero cell of the row: already hidden, else the fewest students
    select {{ k }}, dimension, faculty_code, value_code, partner_value from (
        select
            {% for key in keys %}small.{{ key }}, {% endfor %}
            small.dimension,
            small.faculty_code,
            small.value_code,
            other.value_code as partner_value,
            row_number() over (
                partition by {% for key in keys %}small.{{ key }}, {% endfor %}small.dimension,
                small.faculty_code, small.value_code
                order by not other.base_hidden, other.sup_n, other.value_code
            ) as pick
        from sup_inner as small
        inner join sup_inner as other
            on {% for key in keys %}small.{{ key }} = other.{{ key }} and {% endfor %}
            small.dimension = other.dimension
            and small.faculty_code = other.faculty_code
            and small.value_code != other.value_code
            and other.sup_n > 0
        where small.needs_rectangle
    ) where pick = 1
),

sup_column_partner as (
    -- the cheapest other non-zero cell of the column
    select {{ k }}, dimension, faculty_code, value_code, partner_faculty from (
        select
            {% for key in keys %}small.{{ key }}, {% endfor %}
            small.dimension,
            small.faculty_code,
            small.value_code,
            other.faculty_code as partner_faculty,
            row_number() over (
                partition by {% for key in keys %}small.{{ key }}, {% endfor %}small.dimension,
                small.faculty_code, small.value_code
                order by not other.base_hidden, other.sup_n, other.faculty_code
            ) as pick
        from sup_inner as small
        inner join sup_inner as other
            on {% for key in keys %}small.{{ key }} = other.{{ key }} and {% endfor %}
            small.dimension = other.dimension
            and small.value_code = other.value_code
            and small.faculty_code != other.faculty_code
            and other.sup_n > 0
        where small.needs_rectangle
    ) where pick = 1
),

sup_rectangles as (
    -- the three other corners of each small cell's rectangle
    select {{ k }}, dimension, faculty_code, partner_value as value_code from sup_row_partner
    union
    select {{ k }}, dimension, partner_faculty as faculty_code, value_code from sup_column_partner
    union
    select
        {% for key in keys %}r.{{ key }}, {% endfor %}
        r.dimension,
        c.partner_faculty as faculty_code,
        r.partner_value as value_code
    from sup_row_partner as r
    inner join sup_column_partner as c
        using ({{ k }}, dimension, faculty_code, value_code)
),

sup_decided as (
    select
        {{ k }},
        dimension,
        faculty_code,
        value_code,
        inner_cells.base_hidden or corner.dimension is not null as is_hidden
    from sup_inner as inner_cells
    left join sup_rectangles as corner using ({{ k }}, dimension, faculty_code, value_code)
    union all
    select {{ k }}, src.dimension, faculty_code, null as value_code, grand_hidden or row_hidden as is_hidden
    from src
    inner join sup_grand using ({{ k }})
    inner join sup_fac_hidden using ({{ k }}, faculty_code)
    where src.value_code is null
    union all
    select {{ k }}, src.dimension, null as faculty_code, value_code, grand_hidden or column_hidden as is_hidden
    from src
    inner join sup_grand using ({{ k }})
    inner join sup_val_hidden using ({{ k }}, dimension, value_code)
    where src.faculty_code is null
    union all
    select {{ k }}, src.dimension, null as faculty_code, null as value_code, grand_hidden as is_hidden
    from src
    inner join sup_grand using ({{ k }})
    where src.faculty_code is null and src.value_code is null
)

select
    src.* exclude (sup_n, sup_primary),
    sup_decided.is_hidden
from src
inner join sup_decided
    on {% for key in keys %}src.{{ key }} = sup_decided.{{ key }} and {% endfor %}
    src.dimension = sup_decided.dimension
    and src.faculty_code is not distinct from sup_decided.faculty_code
    and src.value_code is not distinct from sup_decided.value_code
{% endmacro %}
