"""Gathering the quality report of a refresh: every check that ran and how it ended.

dbt tests ran inside `dbt build` (a failing test with severity error already stopped
the refresh); this module reads their outcomes and failing rows, adds the Great
Expectations suites that run after the build (`registrar.pipeline.expectations`), and returns
the report (`registrar.pipeline.quality`) that decides whether anything blocks the publish.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from registrar.pipeline.dbt import DbtResult
from registrar.pipeline.expectations import run_suites
from registrar.pipeline.quality import FAILING_SAMPLE_ROWS, KEY_COLUMNS, CheckOutcome, Progress, QualityReport, row_keys

# A code check (the generic test code_in_seed, or a singular test of the same shape) returns
# one row per code its seed lacks: the code, how many rows carry it, and any context columns.
CODE_COLUMN, ROWS_COLUMN = "unknown_code", "n_rows"

# How each status dbt writes for a test maps to a check's status. Any other status (skipped,
# runtime error, a status of a newer dbt) is a check that did not show the data sound: it fails.
DBT_TEST_STATUS = {"pass": "pass", "warn": "warn", "fail": "fail", "error": "fail"}
# The dbt statuses of a test whose failing rows the refresh stores (store_failing_rows); a test that
# errored returned no rows, and one that passed has none.
ROWS_STORED = ("warn", "fail")
# A data test a nightly build did not select (incremental.Plan.selection): nothing it reads changed since the
# served warehouse was published, which every test with severity error passed (warn-level tests always run)
NOT_RUN_AGAIN = "not run again: nothing it reads changed since the published warehouse, which passed it"


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
        message = str(r.get("message") or "")
        if status not in DBT_TEST_STATUS:
            message = f"dbt reported status '{status}', which is not a pass" + (f": {message}" if message else "")
        out.append(CheckOutcome(
            name=uid.split(".", 2)[-1], source="dbt_test" if uid.startswith("test.") else "dbt_unit_test",
            severity="warn" if status == "warn" else "error",
            status=DBT_TEST_STATUS.get(status, "fail"),
            message=message, failing_rows=int(r.get("failures") or 0),
            tier=node.tier if node else "",
            failures_table=node.failures_table if node and status in ROWS_STORED else "",
            guidance=node.guidance if node else "", seed=node.seed if node else "",
        ))
    if result.selective and result.ok:
        for uid in result.not_run("test"):
            node = result.tests[uid]
            out.append(CheckOutcome(name=uid.split(".", 2)[-1], source="dbt_test", severity="error", status="pass",
                                    message=NOT_RUN_AGAIN, tier=node.tier, guidance=node.guidance, seed=node.seed))
    if database is not None:
        _read_failing_rows(database, [c for c in out if c.status != "pass" and c.failures_table])
    return out


def store_failing_rows(database: Path, result: DbtResult) -> None:
    """Store every row of each data test that did not pass, from its compiled query, in the table its
    manifest node names (`failures_table`): what dbt's `store_failures` kept, for the tests that need it
    only. A test that errored has no rows to store; its message says why."""
    failed = [(result.tests[uid].failures_table, str(r["compiled_code"])) for r in result.results
              if (uid := str(r.get("unique_id", ""))) in result.tests and r.get("status") in ROWS_STORED
              and r.get("compiled_code")]
    if not failed:
        return
    con = duckdb.connect(str(database))
    try:
        for failures_table, query in failed:
            schema, table = failures_table.split(".", 1)
            con.execute(f'create schema if not exists "{schema}"')
            try:
                con.execute(f'create or replace table "{schema}"."{table}" as select * from (\n{query}\n)')
            except duckdb.Error:
                continue  # the query fails now as it failed in the test: its message stands
    finally:
        con.close()


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
            _name_unknown_codes(c)
    finally:
        con.close()


def _name_unknown_codes(check: CheckOutcome) -> None:
    """For a code check: each code the seed lacks, how many rows carry it and the seed to extend,
    in the check's data and its message, so that the registrar reads what to add and where."""
    if not check.seed or not all(CODE_COLUMN in row for row in check.failing_sample):
        return
    check.unknown_codes = [
        {"code": row[CODE_COLUMN], "rows": int(row.get(ROWS_COLUMN) or 0),
         "context": {k: v for k, v in row.items() if k not in (CODE_COLUMN, ROWS_COLUMN)}}
        for row in check.failing_sample
    ]
    check.message = "; ".join(
        f"code '{u['code']}'{_context(u['context'])} on {u['rows']:,} row(s) is not in {check.seed}"
        for u in check.unknown_codes
    )


def _context(values: object) -> str:
    return f" ({', '.join(f'{k} {v}' for k, v in values.items())})" if isinstance(values, dict) and values else ""


def run_checks(database: Path, built: DbtResult, progress: Progress = print) -> QualityReport:
    """Collect dbt test outcomes and run the expectation suites on the built warehouse."""
    report = QualityReport(checks=dbt_test_outcomes(built, database))
    report.checks += run_suites(database, progress)
    n = report.counts()
    progress(f"  {n['pass']} checks passed, {n['warn']} warned, {n['fail']} failed")
    for c in report.warnings:
        progress(f"  warning: {c.name}: {c.message}")
    return report
