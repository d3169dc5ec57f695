"""The publish guard (rules C7): a refresh whose extract is valid but holds far fewer students or
grades than the published warehouse (an export cut off halfway passes every row rule) is held, not
published, until the registrar accepts the drop.

Three figures are compared, each from the warehouse it describes: the headcount on the extract date
(students whose status counts in the headcount, B10), the students of the extract and its grade
rows. A figure that falls by more than the var `publish_guard_max_drop_pct` holds the refresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from policy import dbt_vars

# what each figure is called where it is reported, in the order reported
FIGURE_NAMES = {
    "headcount": "headcount on the extract date",
    "students": "students",
    "grade_rows": "grade rows",
}


@dataclass(frozen=True)
class Figures:
    """What the guard compares, for one warehouse."""

    extract_date: str | None
    headcount: int | None  # None: a warehouse without the contingent marts
    students: int
    grade_rows: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Figures:
        return cls(**{k: raw.get(k) for k in ("extract_date", "headcount", "students", "grade_rows")})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Drop:
    """One figure before (published) and after (this refresh)."""

    figure: str
    before: int
    after: int

    @property
    def pct(self) -> float:
        return (self.before - self.after) * 100 / self.before if self.before else 0.0

    def describe(self) -> str:
        return f"{FIGURE_NAMES[self.figure]}: {self.before:,} → {self.after:,} ({-self.pct:+.1f} %)"


def max_drop_pct() -> float:
    """The largest fall of a figure that still publishes (var publish_guard_max_drop_pct)."""
    return float(dbt_vars().get("publish_guard_max_drop_pct", 10))


def headcount_on(con: duckdb.DuckDBPyConnection, day: dt.date | str) -> int | None:
    """Students whose status on `day` counts in the headcount (B10), or None without the mart."""
    found = con.execute("select count(*) from information_schema.tables "
                        "where table_schema = 'main' and table_name = 'fct_contingent_periods'").fetchone()
    if not found or not found[0]:
        return None
    row = con.execute("select count(distinct student_id) from main.fct_contingent_periods "
                      "where counts_in_headcount and ?::date between valid_from and valid_to_inclusive",
                      [str(day)]).fetchone()
    return int(row[0]) if row else 0


def figures_of(con: duckdb.DuckDBPyConnection, extract_date: dt.date | str | None,
               row_counts: dict[str, int]) -> Figures:
    """The figures of the warehouse open on `con`, whose extracts had `row_counts`."""
    return Figures(
        extract_date=str(extract_date) if extract_date else None,
        headcount=headcount_on(con, extract_date) if extract_date else None,
        students=int(row_counts.get("students", 0)),
        grade_rows=int(row_counts.get("grades", 0)),
    )


def read_figures(database: Path) -> Figures | None:
    """The figures of a warehouse file from its meta.refresh (None when it has none), for a warehouse
    published before its figures were kept beside it."""
    import json

    con = duckdb.connect(str(database), read_only=True)
    try:
        columns = {r[0] for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'meta' and table_name = 'refresh'").fetchall()}
        if not columns:
            return None
        date_sql = "extract_date" if "extract_date" in columns else "null"
        row = con.execute(f"select {date_sql}, row_counts from meta.refresh").fetchone()
        if row is None:
            return None
        return figures_of(con, row[0], json.loads(row[1]) if row[1] else {})
    finally:
        con.close()


def compare(before: Figures, after: Figures, max_pct: float | None = None) -> tuple[list[Drop], list[Drop]]:
    """Every figure both warehouses have, before and after, and those that fell by more than `max_pct`."""
    limit = max_drop_pct() if max_pct is None else max_pct
    pairs = [Drop(name, int(getattr(before, name)), int(getattr(after, name))) for name in FIGURE_NAMES
             if getattr(before, name) is not None and getattr(after, name) is not None]
    return pairs, [d for d in pairs if d.pct > limit]


def held_report(pairs: list[Drop], drops: list[Drop], max_pct: float | None = None) -> str:
    """What the registrar reads when a refresh is held: each figure before and after."""
    limit = max_drop_pct() if max_pct is None else max_pct
    lines = [f"Held by the publish guard (rules C7): {len(drops)} figure(s) fell by more than {limit:g} % "
             "against the published warehouse; nothing was published."]
    lines += [f"  {'FELL ' if d in drops else 'ok   '} {d.describe()}" for d in pairs]
    lines.append("If the export is complete (e.g. graduates left), publish it with "
                 "`registrar refresh EXTRACT_DIR --accept-drop`; otherwise export again from the AIS.")
    return "\n".join(lines)
