-- One row per movement of a range of strict-accountability blanks (rules B32), with what it does to
-- the blanks on hand: stock_effect × n_blanks (seed blank_movement_types), so the journal's balance is
-- a sum a university's new movement joins with no code change.
with movements as (
    select * from {{ ref('stg_ais__blank_movements') }}
),

kinds as (
    select * from {{ ref('diploma_kinds') }}
),

types as (
    select * from {{ ref('blank_movement_types') }}
)

select
    movements.kind,
    {{ code_label_columns('kinds', 'movements.kind', 'kind') }},
    coalesce(kinds.sort_order, 99) as kind_sort_order,
    movements.series,
    movements.number_from,
    movements.number_to,
    movements.number_from_value,
    movements.number_to_value,
    movements.n_blanks,
    movements.movement,
    {{ code_label_columns('types', 'movements.movement', 'movement') }},
    coalesce(types.sort_order, 99) as movement_sort_order,
    types.stock_effect,
    types.stock_effect * movements.n_blanks as on_hand_change,
    movements.moved_on,
    movements.document,
    movements.source_row
from movements
left join kinds on movements.kind = kinds.kind
left join types on movements.movement = types.movement
