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
from dataclasses import dataclass
from typing import Any

import numpy as np
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


# --- the proof that a viewer's published tables give no hidden value back (issue 21 finding 1) ----------

def disclosed(shown: np.ndarray, hidden: np.ndarray, tolerance: float = 1e-8) -> np.ndarray:
    """Which hidden values follow from the shown ones by linear differencing.

    Each row of `shown` and of `hidden` is a linear form over the underlying true cells (1 where the
    number sums that cell): a shown number is the equation "this form = its value". A hidden value
    is determined exactly when its form lies in the row space of the shown forms (a rank test). Returns
    one bool per row of `hidden`."""
    if hidden.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    if shown.shape[0] == 0:
        return ~hidden.any(axis=1)  # only a form over no cell (always 0) is known without equations
    _, singular, vt = np.linalg.svd(shown.astype(float), full_matrices=False)
    basis = vt[singular > tolerance * max(1.0, float(singular.max(initial=0.0)))]
    residual = hidden - (hidden @ basis.T) @ basis
    return np.abs(residual).max(axis=1) <= 1e-6


@dataclass(frozen=True)
class Measure:
    """A count column of a published viewer table: which classes of the underlying cells it sums and
    which boolean column says it is hidden. E.g. n_passed sums the classes quality and passed_other."""

    column: str
    classes: tuple[str, ...]
    hidden: str


def published_forms(table: pd.DataFrame, measures: Sequence[Measure]
                    ) -> tuple[np.ndarray, np.ndarray, list[tuple[Any, ...]]]:
    """The linear forms of one key (one census date, one session) of a published viewer table.

    `table` has the rows of the key: dimension, faculty_code, value_code (null: every faculty /
    every value) and the hidden column of each measure. The underlying true cells are every faculty ×
    every combination of the values of every dimension × every class: the finest table the published
    ones could be sums of, so any relation between the tables (the faculty totals they share) is in
    the system. Returns the forms
    shown, the forms hidden and, per hidden form, (dimension, faculty, value, measure)."""
    dims = sorted(table["dimension"].unique())
    values = {d: sorted(table.loc[(table["dimension"] == d) & table["value_code"].notna(), "value_code"].unique())
              or ["*"] for d in dims}  # a table of its total alone: one value
    faculties = sorted(table["faculty_code"].dropna().unique()) or ["*"]
    classes = sorted({c for m in measures for c in m.classes})
    axes = [faculties, *(values[d] for d in dims), classes]
    grid = np.array(np.meshgrid(*[np.arange(len(a)) for a in axes], indexing="ij")).reshape(len(axes), -1)
    shown_rows, hidden_rows, labels = [], [], []
    for row in table.itertuples(index=False):
        pick = np.ones(grid.shape[1], dtype=bool)
        if not pd.isna(row.faculty_code):
            pick &= grid[0] == faculties.index(row.faculty_code)
        if not pd.isna(row.value_code):
            axis = 1 + dims.index(row.dimension)
            pick &= grid[axis] == values[row.dimension].index(row.value_code)
        for measure in measures:
            form = pick & np.isin(grid[-1], [classes.index(c) for c in measure.classes])
            if bool(getattr(row, measure.hidden)):
                hidden_rows.append(form)
                labels.append((row.dimension, None if pd.isna(row.faculty_code) else row.faculty_code,
                               None if pd.isna(row.value_code) else row.value_code, measure.column))
            else:
                shown_rows.append(form)
    width = grid.shape[1]
    as_matrix = lambda rows: np.array(rows, dtype=float).reshape(-1, width)  # noqa: E731
    return as_matrix(shown_rows), as_matrix(hidden_rows), labels


def recovered(table: pd.DataFrame, keys: Sequence[str], measures: Sequence[Measure]
              ) -> list[tuple[Any, ...]]:
    """Every hidden value of a published viewer table that linear differencing of what it shows gives
    back, as (key values..., dimension, faculty, value, measure); empty when none does.
    Each key (a census date, a session) is a separate system: its counts are of other students."""
    found: list[tuple[Any, ...]] = []
    for key, rows in table.groupby(list(keys), sort=True):
        shown, hidden, labels = published_forms(rows, measures)
        key_values = key if isinstance(key, tuple) else (key,)
        found += [(*key_values, *label) for label, bad in zip(labels, disclosed(shown, hidden), strict=True) if bad]
    return found
