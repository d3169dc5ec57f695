"""bench/compare_marts.py, the EXCEPT ALL comparison that test_refresh.py's re-run test relies on,
tells a list in another order apart by default, and only `--sort-lists` lets it pass."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench.compare_marts import compare, main


def _warehouse(path: Path, debtors: str) -> Path:
    con = duckdb.connect(str(path))
    con.execute(f"create table fct_breakdown as select 'HIS1101' as discipline_code, {debtors} as debtor_ids")
    con.execute("create table dim_x as select 1 as id")
    con.close()
    return path


def test_a_list_in_another_order_differs_unless_lists_are_sorted(tmp_path: Path) -> None:
    first = _warehouse(tmp_path / "first.duckdb", "['S1', 'S2']")
    again = _warehouse(tmp_path / "again.duckdb", "['S1', 'S2']")
    other = _warehouse(tmp_path / "warehouse.duckdb", "['S2', 'S1']")
    assert all(r.identical for r in compare(first, again))
    [breakdown] = [r for r in compare(first, other) if r.name == "fct_breakdown"]
    assert (breakdown.n_missing, breakdown.n_extra) == (1, 1)
    assert main([str(first), str(other)]) == 1
    assert all(r.identical for r in compare(first, other, sort_lists=True))
    assert main([str(first), str(other), "--sort-lists"]) == 0
