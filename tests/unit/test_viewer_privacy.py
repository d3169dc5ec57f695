"""The proof behind a viewer's published tables (issue 21 finding 1, rules B30): `recovered` builds the
linear system of every number a viewer is shown (each the sum of the underlying true cells) and finds the
hidden values it determines. These tests feed it small published tables by hand: the patterns the
suppression of the rpt_viewer_* models makes, and the patterns that differencing undoes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from registrar.access.privacy import Measure, disclosed, recovered

HEADCOUNT = [Measure("headcount", ("n",), "is_hidden")]


def table(cells: dict[tuple[str, str], int], hidden: set[tuple[str | None, str | None]], dimension: str = "level",
          date: str = "2025-10-01") -> pd.DataFrame:
    """A faculty × value table with its margins as the rpt_viewer_* models publish it; `hidden` names
    the cells blanked ((faculty, None) a faculty total, (None, value) a value total)."""
    faculties = sorted({f for f, _ in cells})
    values = sorted({v for _, v in cells})
    rows = [(f, v, cells.get((f, v), 0)) for f in faculties for v in values]
    rows += [(f, None, sum(cells.get((f, v), 0) for v in values)) for f in faculties]
    rows += [(None, v, sum(cells.get((f, v), 0) for f in faculties)) for v in values]
    rows += [(None, None, sum(cells.values()))]
    return pd.DataFrame([{"snapshot_date": date, "dimension": dimension, "faculty_code": f, "value_code": v,
                          "headcount": None if (f, v) in hidden else n, "is_hidden": (f, v) in hidden}
                         for f, v, n in rows])


CELLS = {("F1", "bachelor"): 9, ("F1", "master"): 1, ("F2", "bachelor"): 8, ("F3", "bachelor"): 4,
         ("F3", "master"): 2}


def test_a_rank_test_finds_a_value_that_is_a_sum_of_shown_ones() -> None:
    shown = np.array([[1, 1, 0], [1, 0, 0]], dtype=float)  # a + b and a are shown
    hidden = np.array([[0, 1, 0], [0, 0, 1], [1, 1, 0]], dtype=float)
    assert disclosed(shown, hidden).tolist() == [True, False, True]


def test_a_rectangle_round_each_small_cell_gives_none_back() -> None:
    # what rpt_viewer_contingent publishes for these cells (its dbt unit test): the rectangle F1/F3 ×
    # bachelor/master hidden, every margin shown
    rectangle = {("F1", "bachelor"), ("F1", "master"), ("F3", "bachelor"), ("F3", "master")}
    assert recovered(table(CELLS, rectangle), ["snapshot_date"], HEADCOUNT) == []


def test_blanking_the_small_cells_alone_is_undone_by_the_totals() -> None:
    # per-table primary suppression only, as the pages did: master's total 3 and F1's total 10 give both back
    found = recovered(table(CELLS, {("F1", "master"), ("F3", "master")}), ["snapshot_date"], HEADCOUNT)
    assert {(f, v) for _, _, f, v, _ in found} == {("F1", "master"), ("F3", "master")}


def test_a_second_cell_in_each_row_and_column_is_not_enough_when_it_is_a_bridge() -> None:
    # two hidden 2 × 2 blocks give nothing back
    cells = {(f, v): 5 for f in ("F1", "F2", "F3", "F4") for v in ("a", "b", "c", "d")}
    blocks = {("F1", "a"), ("F1", "b"), ("F2", "a"), ("F2", "b"), ("F3", "c"), ("F3", "d"), ("F4", "c"), ("F4", "d")}
    assert recovered(table(cells, blocks), ["snapshot_date"], HEADCOUNT) == []
    # one more hidden cell joining them: every row and column with a hidden cell has two or more, yet that
    # cell is on no cycle of hidden cells, and the totals give it back: why the models hide a rectangle
    # round each small cell rather than count hidden cells per line
    found = recovered(table(cells, blocks | {("F2", "c")}), ["snapshot_date"], HEADCOUNT)
    assert [(f, v) for _, _, f, v, _ in found] == [("F2", "c")]


def test_faculty_totals_shared_by_two_tables_join_their_systems() -> None:
    # the faculty totals are the same numbers in every dimension's table: a table that hides all three
    # gives nothing back alone, but beside a table that hides only F1's and F2's, F3's total is shown there
    # and so known in the first table too (why the models decide the faculty totals once per date)
    level = {("F1", "x"): 1, ("F2", "x"): 4, ("F3", "x"): 5, ("F1", "y"): 0, ("F2", "y"): 3, ("F3", "y"): 6}
    course = {("F1", "1"): 1, ("F2", "1"): 7, ("F3", "1"): 11}
    both_hidden_totals = {("F1", None), ("F2", None), ("F3", None)}
    one = table(level, both_hidden_totals | {("F1", "x"), ("F2", "x"), ("F1", "y"), ("F2", "y"), ("F3", "x"),
                                             ("F3", "y")}, dimension="level")
    assert recovered(one, ["snapshot_date"], HEADCOUNT) == []
    two = table(course, {("F1", None), ("F2", None), ("F3", None), ("F1", "1"), ("F2", "1")}, dimension="course")
    found = recovered(pd.concat([one, two], ignore_index=True), ["snapshot_date"], HEADCOUNT)
    assert ("level", "F3", None, "headcount") in {(d, f, v, m) for _, d, f, v, m in found}


def test_a_failing_count_follows_from_a_rate_and_a_total_unless_blanked_with_it() -> None:
    # the case: graded 179, success 96.6 % (173 passed) and F 4 shown, FX blank: FX = 179 - 173 - 4
    classes = [Measure("n_graded", ("pass", "fx", "f"), "graded_hidden"), Measure("n_passed", ("pass",), "rate_hidden"),
               Measure("n_fx", ("fx",), "fx_hidden"), Measure("n_f", ("f",), "f_hidden")]
    row = {"session": "2024-2025/1", "dimension": "course", "faculty_code": None, "value_code": None,
           "graded_hidden": False, "rate_hidden": False, "fx_hidden": True, "f_hidden": False}
    found = recovered(pd.DataFrame([row]), ["session"], classes)
    assert [m for *_, m in found] == ["n_fx"]
    together = recovered(pd.DataFrame([{**row, "f_hidden": True}]), ["session"], classes)
    assert together == [], "FX and F blanked together leave only their sum known"
