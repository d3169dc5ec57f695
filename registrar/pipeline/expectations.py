"""Great Expectations suites that guard the marts after the build.

Each suite is a GX suite stored as JSON in `expectations/suites/`; its `meta` names the
feed (a dbt model `models/quality/qc_*` that aggregates the marts, built by `dbt build`
with its lineage and docs, so a suite stays fast at tens of millions of grade rows), the
severity (error blocks the publish, warn is reported) and the key columns that identify a
failing row. Thresholds may be written as "${var:NAME}" and are then read from the vars
of dbt_project.yml, so each policy is set in one place. GX reads each built feed table
read-only through its pandas route: there is no DuckDB datasource (see the stack notes).
"""

from __future__ import annotations

import importlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from policy import dbt_vars
from registrar.common.paths import PROJECT_DIR
from registrar.pipeline.quality import FAILING_SAMPLE_ROWS, CheckOutcome, Progress, row_keys

EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
_VAR = re.compile(r"^\$\{var:([a-z0-9_]+)\}$")


@dataclass(frozen=True)
class Suite:
    """One suite as stored: its GX JSON and the dbt model (qc_*) that feeds it."""

    name: str
    spec: dict[str, Any]
    feed: str
    severity: str
    key_columns: tuple[str, ...]
    description: str


def _resolve(value: Any, variables: dict[str, Any]) -> Any:
    if isinstance(value, str) and (m := _VAR.match(value)):
        return variables[m.group(1)]
    if isinstance(value, dict):
        return {k: _resolve(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, variables) for v in value]
    return value


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[Suite]:
    """Every suite of `directory/suites`, thresholds resolved from the dbt vars."""
    variables = dbt_vars()
    suites: list[Suite] = []
    for path in sorted((directory / "suites").glob("*.json")):
        spec = _resolve(json.loads(path.read_text(encoding="utf-8")), variables)
        meta = spec.get("meta", {})
        suites.append(Suite(
            name=spec["name"], spec=spec, feed=meta["feed"],
            severity=meta.get("severity", "error"), key_columns=tuple(meta.get("key_columns", [])),
            description=meta.get("description", ""),
        ))
    return suites


def feed_query(con: duckdb.DuckDBPyConnection, suite: Suite) -> str:
    """The query that reads a suite's feed: its qc_* table, in whichever schema dbt built it."""
    schemas = [r[0] for r in con.execute(
        "select table_schema from information_schema.tables where table_name = ?", [suite.feed]).fetchall()]
    if len(schemas) != 1:
        raise LookupError(f"feed {suite.feed}: expected one table built by dbt, found {len(schemas)}")
    order = f" order by {', '.join(suite.key_columns)}" if suite.key_columns else ""
    return f'select * from "{schemas[0]}"."{suite.feed}"{order}'


def _failing_sample(result: Any) -> list[dict[str, object]]:
    """The first failing feed rows: their key columns and the value that left the band."""
    rows = result.result.get("unexpected_index_list") or []
    return [json.loads(json.dumps(row, default=str)) for row in rows[:FAILING_SAMPLE_ROWS] if isinstance(row, dict)]


def import_in_background() -> None:
    """Start importing Great Expectations (seconds of CPU: it loads every expectation, scipy.stats among
    them) in a thread, so that it overlaps the dbt build, which runs in its own process; run_suites'
    import then waits for it (Python's import lock) instead of starting it."""
    threading.Thread(target=importlib.import_module, args=("great_expectations",), daemon=True,
                     name="import great_expectations").start()


def run_suites(database: Path, progress: Progress = print, directory: Path = EXPECTATIONS_DIR) -> list[CheckOutcome]:
    """Feed each suite from the built warehouse and validate it; one outcome per expectation."""
    suites = load_suites(directory)
    if not suites:
        return []
    import great_expectations as gx  # heavy import: only when there is something to validate

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas("warehouse")
    outcomes: list[CheckOutcome] = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        for suite in suites:
            try:
                frame = con.execute(feed_query(con, suite)).df()
            except (duckdb.Error, LookupError) as exc:
                outcomes.append(CheckOutcome(suite.name, "great_expectations", suite.severity, "fail",
                                             f"feed query failed: {exc}"))
                continue
            gx_suite = context.suites.add(gx.ExpectationSuite(
                name=suite.name, expectations=suite.spec["expectations"], meta=suite.spec.get("meta", {})))
            batch = source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("all")
            validation = context.validation_definitions.add(
                gx.ValidationDefinition(name=f"{suite.name}_validation", data=batch, suite=gx_suite))
            result = validation.run(
                batch_parameters={"dataframe": frame},
                result_format={"result_format": "COMPLETE",
                               "unexpected_index_column_names": list(suite.key_columns)},
            )
            for r in result.results:
                cfg = r.expectation_config
                label = (cfg.meta or {}).get("check") or f"{cfg.type}({cfg.kwargs.get('column', '')})"
                ok = bool(r.success)
                sample = [] if ok else _failing_sample(r)
                outcomes.append(CheckOutcome(
                    name=f"{suite.name}: {label}", source="great_expectations", severity=suite.severity,
                    status="pass" if ok else ("fail" if suite.severity == "error" else "warn"),
                    message="" if ok else _describe(r.result),
                    failing_rows=int(r.result.get("unexpected_count") or 0),
                    failing_keys=row_keys(sample, suite.key_columns),
                    failing_sample=sample,
                ))
            # a warning suite that finds something warns (the refresh still publishes); only an error suite fails
            verdict = "passed" if result.success else ("failed" if suite.severity == "error" else
                                                       "warning (publishes; see the Data refresh page)")
            progress(f"  suite {suite.name}: {verdict} ({len(frame):,} rows fed)")
    finally:
        con.close()
    return outcomes


def _describe(result: dict[str, Any]) -> str:
    if result.get("unexpected_count") is not None:
        sample = ", ".join(str(v) for v in (result.get("partial_unexpected_list") or [])[:5])
        return f"{result['unexpected_count']} row(s) outside the expectation (e.g. {sample})"
    return f"observed {result.get('observed_value')}"
