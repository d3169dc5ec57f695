-- One row per kind of movement of strict-accountability blanks (seed blank_movement_types, rules B32):
-- the journal's columns in their order, with their labels and what each does to the blanks on hand.
select
    movement,
    stock_effect,
    is_issue,
    sort_order,
    label_kk,
    label_ru,
    label_en
from {{ ref('blank_movement_types') }}
