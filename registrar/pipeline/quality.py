"""The quality report's values: one check's outcome, the report of a refresh, and how a
failing row is keyed. Both sources of checks (dbt tests in `registrar.pipeline.checks`, Great
Expectations suites in `registrar.pipeline.expectations`) build these values, so this module
imports neither of them: the quality code has no import cycle.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import duckdb

Progress = Callable[[str], None]
FAILING_SAMPLE_ROWS = 50  # kept in the report; the whole list stays in the failures table
# Columns that identify a failing row to a registrar, in the order they are shown.
KEY_COLUMNS = ("student_id", "order_no", "academic_year", "term", "discipline_code", "group_code",
               "teacher_id", "faculty_code", "program_code", "snapshot_date", "source_row")


@dataclass
class CheckOutcome:
    """One check: where it comes from, how severe a failure is, and how it ended."""

    name: str
    source: str  # contract | dbt_test | dbt_unit_test | dbt_build | great_expectations
    severity: str  # error | warn
    status: str  # pass | warn | fail
    message: str = ""
    failing_rows: int = 0
    failing_keys: list[str] = field(default_factory=list)
    tier: str = ""  # dbt data tests: configuration | integrity | values
    failures_table: str = ""  # where dbt stored all failing rows (schema.table of the warehouse)
    failing_sample: list[dict[str, object]] = field(default_factory=list)  # the first failing rows
    guidance: str = ""  # a singular test's yml: what it checks, when it matters, how to resolve
    seed: str = ""  # a code check: the seed file that lists the codes (seeds/<name>.csv)
    unknown_codes: list[dict[str, object]] = field(default_factory=list)  # {code, rows, context} per code


@dataclass
class QualityReport:
    """All checks of one refresh."""

    checks: list[CheckOutcome] = field(default_factory=list)
    created_at: str = field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))

    @property
    def blocking(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.status == "fail" and c.severity == "error"]

    @property
    def warnings(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.status == "warn"]

    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "warn": 0, "fail": 0}
        for c in self.checks:
            out[c.status] = out.get(c.status, 0) + 1
        return out

    def summary(self) -> str:
        n = self.counts()
        lines = [f"quality checks: {n['pass']} passed, {n['warn']} warned, {n['fail']} failed"]
        for c in self.checks:
            if c.status != "pass":
                keys = f" keys: {', '.join(c.failing_keys[:10])}" if c.failing_keys else ""
                lines.append(f"  {c.status.upper()} [{c.source}/{c.severity}] {c.name}: {c.message}{keys}")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {"created_at": self.created_at, "counts": self.counts(), "checks": [asdict(c) for c in self.checks]},
            ensure_ascii=False, indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> QualityReport:
        """The report `to_json` wrote (a held build's, published later)."""
        raw = json.loads(text)
        return cls([CheckOutcome(**c) for c in raw.get("checks", [])], raw.get("created_at", ""))

    def write_table(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("create schema if not exists meta")
        con.execute(
            "create or replace table meta.quality_checks (name varchar, source varchar, tier varchar, "
            "severity varchar, status varchar, message varchar, failing_rows bigint, failing_keys varchar[], "
            "failures_table varchar, failing_sample json, guidance varchar, seed varchar, unknown_codes json)"
        )
        rows = [[c.name, c.source, c.tier, c.severity, c.status, c.message, c.failing_rows, c.failing_keys,
                 c.failures_table, _json(c.failing_sample), c.guidance, c.seed, _json(c.unknown_codes)]
                for c in self.checks]
        # one statement of a list per column, in the table's column order: a statement per check (executemany)
        # took 0.7 s of every publish for the 561 checks at 200,000 students
        types = ("varchar",) * 6 + ("bigint", "varchar[]", "varchar", "json", "varchar", "varchar", "json")
        con.execute(
            "insert into meta.quality_checks select " + ", ".join(f"unnest(?::{t}[])" for t in types),
            [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in types],
        )


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def row_keys(rows: list[dict[str, object]], key_columns: Sequence[str]) -> list[str]:
    """One "a | b | c" key per failing row, from the columns that identify it (all, when none do)."""
    return [" | ".join(str(row.get(k)) for k in (key_columns or list(row))) for row in rows]
