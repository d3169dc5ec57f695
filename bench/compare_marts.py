"""Compare the marts and reports of two warehouses built from the same extracts.

Usage: python bench/compare_marts.py BASELINE.duckdb CANDIDATE.duckdb [--show N] [--sort-lists]

Both files are attached read-only. For every table or view of schema `main` named fct_*, dim_*
or rpt_* in the baseline, the rows are compared with EXCEPT ALL both ways on the columns both
warehouses have; the script prints row counts, the columns only one side has, and up to N
differing rows each way. It exits with 1 when a relation is missing or any row differs, so it
can prove that a refactoring changed nothing but what it meant to.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PREFIXES = ("fct_", "dim_", "rpt_")


@dataclass
class Comparison:
    """The outcome of comparing one relation."""

    name: str
    rows_baseline: int = 0
    rows_candidate: int | None = None
    only_in_baseline: list[str] = field(default_factory=list)
    only_in_candidate: list[str] = field(default_factory=list)
    n_missing: int = 0
    n_extra: int = 0
    missing_sample: list[tuple] = field(default_factory=list)
    extra_sample: list[tuple] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return self.rows_candidate is not None and self.n_missing == 0 and self.n_extra == 0


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, name: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where database_name = ? and schema_name = 'main'"
        " and table_name = ? order by column_index",
        [catalog, name],
    ).fetchall()
    return [c for (c,) in rows]


def _relations(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'"
        " union select view_name from duckdb_views() where database_name = ? and schema_name = 'main'",
        [catalog, catalog],
    ).fetchall()
    return sorted(n for (n,) in rows if n.startswith(PREFIXES))


def _column_types(con: duckdb.DuckDBPyConnection, catalog: str, name: str) -> dict[str, str]:
    return dict(con.execute("select column_name, data_type from information_schema.columns "
                            "where table_catalog = ? and table_schema = 'main' and table_name = ?",
                            [catalog.strip('"'), name]).fetchall())


def compare(baseline: Path, candidate: Path, show: int = 5, sort_lists: bool = False) -> list[Comparison]:
    """Compare every fct_/dim_/rpt_ relation of the baseline with the candidate's. With `sort_lists`,
    list columns are compared as sorted lists: for a warehouse built before every list aggregate was
    ordered (the debtors of fct_attestation_breakdown, issue 20), whose lists may come in another
    order from two builds of the same files. Two builds of today's models need no such help."""
    con = duckdb.connect()
    try:
        # views keep the catalog (file basename) they were built in: attach the candidate under
        # its own, so its views resolve; the baseline under another name
        cand = candidate.stem
        base = "baseline" if cand != "baseline" else "baseline_"
        con.execute(f"attach '{baseline}' as {base} (read_only)")
        con.execute(f"attach '{candidate}' as \"{cand}\" (read_only)")
        candidate_names = set(_relations(con, cand))
        out = []
        for name in _relations(con, base):
            result = Comparison(name)
            result.rows_baseline = con.execute(f'select count(*) from {base}.main."{name}"').fetchone()[0]
            if name not in candidate_names:
                out.append(result)
                continue
            result.rows_candidate = con.execute(f'select count(*) from "{cand}".main."{name}"').fetchone()[0]
            base_cols = _columns(con, base, name)
            cand_cols = _columns(con, cand, name)
            common = [c for c in base_cols if c in cand_cols]
            result.only_in_baseline = [c for c in base_cols if c not in cand_cols]
            result.only_in_candidate = [c for c in cand_cols if c not in base_cols]
            types = _column_types(con, base, name)
            cols = ", ".join(f'list_sort("{c}") as "{c}"' if sort_lists and types.get(c, "").endswith("[]")
                             else f'"{c}"' for c in common)
            for attr, first, second in (("missing", base, f'"{cand}"'), ("extra", f'"{cand}"', base)):
                diff = (f'select {cols} from {first}.main."{name}" except all'
                        f' select {cols} from {second}.main."{name}"')
                setattr(result, f"n_{attr}", con.execute(f"select count(*) from ({diff})").fetchone()[0])
                setattr(result, f"{attr}_sample", con.execute(f"{diff} limit {show}").fetchall())
            out.append(result)
        return out
    finally:
        con.close()


def report(results: list[Comparison]) -> str:
    lines = []
    for r in results:
        if r.rows_candidate is None:
            lines.append(f"MISSING  {r.name}: {r.rows_baseline} rows in the baseline, absent in the candidate")
            continue
        state = "same    " if r.identical else "DIFFERS "
        lines.append(f"{state} {r.name}: {r.rows_baseline} / {r.rows_candidate} rows;"
                     f" only in baseline {r.n_missing}, only in candidate {r.n_extra}")
        if r.only_in_baseline:
            lines.append(f"         columns only in the baseline: {', '.join(r.only_in_baseline)}")
        if r.only_in_candidate:
            lines.append(f"         columns only in the candidate: {', '.join(r.only_in_candidate)}")
        for row in r.missing_sample:
            lines.append(f"         - {row}")
        for row in r.extra_sample:
            lines.append(f"         + {row}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path)
    parser.add_argument("candidate", type=Path)
    parser.add_argument("--show", type=int, default=5, help="differing rows to print each way")
    parser.add_argument("--sort-lists", action="store_true",
                        help="compare list columns sorted (for a warehouse built before every list "
                             "aggregate was ordered)")
    args = parser.parse_args(argv)
    results = compare(args.baseline, args.candidate, args.show, args.sort_lists)
    print(report(results))
    return 0 if results and all(r.identical and not r.only_in_baseline for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
