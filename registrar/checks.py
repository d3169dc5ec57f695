"""The quality report of a refresh: every check that ran and how it ended.

dbt tests ran inside `dbt build` (a failing test with severity error already stopped
the refresh); this module gathers their outcomes together with the Great Expectations
suites that run after the build, decides whether anything blocks the publish, and
stores the report inside the warehouse (`meta.quality_checks`) and beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from registrar.dbt import DbtResult

Progress = Callable[[str], None]
FAILING_SAMPLE_ROWS = 50  # kept in the report; the whole list stays in the failures table
# Columns that identify a failing row to a registrar, in the order they are shown.
KEY_COLUMNS = ("student_id", "order_no", "academic_year", "term", "discipline_code", "group_code",
               "teacher_id", "faculty_code", "program_code", "snapshot_date", "source_row")


@dataclass
class CheckOutcome:
    """One check: where it comes from, how severe a failure is, and how it ended."""

    name: str
    source: str  # contract | dbt_test | dbt_unit_test | great_expectations
    severity: str  # error | warn
    status: str  # pass | warn | fail
    message: str = ""
    failing_rows: int = 0
    failing_keys: list[str] = field(default_factory=list)
    tier: str = ""  # dbt data tests: configuration | integrity | values
    failures_table: str = ""  # where dbt stored all failing rows (schema.table of the warehouse)
    failing_sample: list[dict[str, object]] = field(default_factory=list)  # the first failing rows
    guidance: str = ""  # a singular test's header: what it checks, when it matters, how to resolve


@dataclass
class QualityReport:
    """All checks of one refresh."""

    checks: list[CheckOutcome] = field(default_factory=list)
    created_at: str = field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))

    @property
    def blocking(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.status == "fail" and c.severity == "error"]

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

    def write_table(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("create schema if not exists meta")
        con.execute(
            "create or replace table meta.quality_checks (name varchar, source varchar, tier varchar, "
            "severity varchar, status varchar, message varchar, failing_rows bigint, failing_keys varchar[], "
            "failures_table varchar, failing_sample json, guidance varchar)"
        )
        con.executemany(
            "insert into meta.quality_checks values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[c.name, c.source, c.tier, c.severity, c.status, c.message, c.failing_rows, c.failing_keys,
              c.failures_table, json.dumps(c.failing_sample, ensure_ascii=False, default=str), c.guidance]
             for c in self.checks],
        )


def dbt_test_outcomes(result: DbtResult, database: Path | None = None) -> list[CheckOutcome]:
    """dbt tests as checks: pass, warn (severity warn) or fail, with their tier and, when
    `database` is given, the first failing rows read back from where dbt stored them."""
    out: list[CheckOutcome] = []
    for r in result.results:
        uid = str(r.get("unique_id", ""))
        if not uid.startswith(("test.", "unit_test.")):
            continue
        status = str(r.get("status"))
        node = result.tests.get(uid)
        out.append(CheckOutcome(
            name=uid.split(".", 2)[-1], source="dbt_test" if uid.startswith("test.") else "dbt_unit_test",
            severity="warn" if status == "warn" else "error",
            status={"pass": "pass", "warn": "warn", "fail": "fail", "error": "fail"}.get(status, "pass"),
            message=str(r.get("message") or ""), failing_rows=int(r.get("failures") or 0),
            tier=node.tier if node else "", failures_table=node.failures_table if node else "",
            guidance=node.guidance if node else "",
        ))
    if database is not None:
        _read_failing_rows(database, [c for c in out if c.status != "pass" and c.failures_table])
    return out


def _read_failing_rows(database: Path, checks: list[CheckOutcome]) -> None:
    """Fill each check's failing sample and keys from its stored failures table."""
    if not checks:
        return
    con = duckdb.connect(str(database), read_only=True)
    try:
        for c in checks:
            schema, table = c.failures_table.split(".", 1)
            try:
                frame = con.execute(f'select * from "{schema}"."{table}" limit {FAILING_SAMPLE_ROWS}').df()
            except duckdb.Error:
                continue  # the test errored before storing anything: its message says why
            c.failing_sample = json.loads(frame.to_json(orient="records", date_format="iso"))
            keys = [k for k in KEY_COLUMNS if k in frame.columns] or list(frame.columns[:3])
            c.failing_keys = row_keys(c.failing_sample, keys)
    finally:
        con.close()


def row_keys(rows: list[dict[str, object]], key_columns: Sequence[str]) -> list[str]:
    """One "a | b | c" key per failing row, from the columns that identify it (all, when none do)."""
    return [" | ".join(str(row.get(k)) for k in (key_columns or list(row))) for row in rows]


def run_checks(database: Path, built: DbtResult, progress: Progress = print) -> QualityReport:
    """Collect dbt test outcomes and run the expectation suites on the built warehouse."""
    from registrar.expectations import run_suites  # GX import costs seconds: only when checking

    report = QualityReport(checks=dbt_test_outcomes(built, database))
    report.checks += run_suites(database, progress)
    n = report.counts()
    progress(f"  {n['pass']} checks passed, {n['warn']} warned, {n['fail']} failed")
    return report
