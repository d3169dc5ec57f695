"""Small-cell suppression for aggregates-only users (role `viewer`, rules B30).

An aggregate cell resting on fewer students than `privacy_min_cell_students` (default 3) is
suppressed: its count and every value computed from it (a rate, a mean) are blanked. Blanking
alone is not enough when the table's totals are shown, or can be had elsewhere (a headline
number, another page): the total minus the shown cells gives the hidden one back. So
**secondary suppression**: within every group of cells that adds up to a total (a margin), if
exactly one cell is suppressed, the smallest other cell of that group is suppressed too; this
repeats over every margin until no group has a single suppressed cell. The totals themselves
stay true totals, so every number shown is a real one, and no hidden cell is the difference
of a total and shown cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

SUPPRESSED = "suppressed"  # the column added by suppress(): True where the cell is blanked


def suppress(frame: pd.DataFrame, count: str, min_cell: int, values: Sequence[str] = (),
             margins: Sequence[Sequence[str]] = ((),)) -> pd.DataFrame:
    """`frame` with cells of fewer than `min_cell` students blanked, primary and secondary.

    `count` is the column with the number of students a row rests on; `values` the columns
    computed from them (blanked with it); `margins` the groupings whose totals a reader may know:
    each a list of columns (the cells with equal values in them add up to one total), `()` the
    whole table. E.g. a discipline × group table with row and column totals:
    `margins=[["discipline_code"], ["group_code"]]`. `min_cell <= 0` changes nothing."""
    out = frame.copy()
    if min_cell <= 0 or out.empty:
        out[SUPPRESSED] = False
        return out
    n = pd.to_numeric(out[count], errors="coerce").fillna(0)
    hidden = (n > 0) & (n < min_cell)  # a zero cell names nobody
    changed = bool(hidden.any())
    while changed:
        changed = False
        for margin in margins:
            if margin:
                keys = list(margin) if len(margin) > 1 else margin[0]
                groups = [pd.Index(g) for g in out.groupby(keys, dropna=False, sort=False).groups.values()]
            else:
                groups = [out.index]
            for rows in groups:
                if int(hidden[rows].sum()) != 1 or len(rows) < 2:
                    continue
                shown = n[rows][~hidden[rows]]
                if shown.empty:
                    continue
                hidden[shown.idxmin()] = True  # the smallest other cell: least information lost
                changed = True
    for column in (count, *values):
        out[column] = out[column].where(~hidden)  # NaN: numbers stay numbers, shown as "—"
    out[SUPPRESSED] = hidden
    return out


def hide_small(row: dict[str, Any], min_cell: int, base: str, counts: Sequence[str] = (),
               derived: Sequence[str] = ()) -> dict[str, Any]:
    """One row of headline numbers for a scope that suppresses small cells: everything blank when
    its `base` (the students it rests on) is small; each of `counts` blank when small. `min_cell <= 0`
    changes nothing. (A count of a headline has no shown siblings to subtract it from.)"""
    if min_cell <= 0:
        return row

    def small(value: Any) -> bool:
        return value is not None and not pd.isna(value) and 0 < float(value) < min_cell

    out = dict(row)
    if small(out.get(base)):
        return {k: (None if k in (base, *counts, *derived) else v) for k, v in out.items()}
    for key in counts:
        if small(out.get(key)):
            out[key] = None
    return out
