"""The refresh: validate → load → dbt build → checks → publish, all or nothing.

The new warehouse is built in its own run folder under the same basename as the
served file, and replaces `$REGISTRAR_HOME/warehouse.duckdb` in one rename only when
every step passed. Whatever happens before that rename, the last good warehouse keeps
serving.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from extract.defects import Defect, format_report
from extract.load import LoadResult, load_extracts
from registrar.common.paths import WAREHOUSE_NAME, Home, private_files
from registrar.pipeline.checks import dbt_test_outcomes, run_checks
from registrar.pipeline.dbt import DbtResult, run_dbt
from registrar.pipeline.lock import refresh_lock
from registrar.pipeline.quality import CheckOutcome, QualityReport

Progress = Callable[[str], None]
KEEP_FAILED_RUNS = 5
MAX_REPORT_LINES = 400
MAX_DEFECTS_SHOWN = 1000
# dbt unit tests check the models' code against fixed rows, not the data: they run in the test
# suite (tests/warehouse/test_dbt_unit_tests.py, `make test`), as dbt advises, not on every refresh; every
# data test still runs on every refresh.
BUILD_SELECTION = ("--exclude", "test_type:unit")


class RefreshFailed(RuntimeError):
    """A step failed; nothing was published. `report` says what and where; `quality` holds
    the checks that ran, when the failure came from dbt tests or expectations."""

    def __init__(self, step: str, report: str, quality: QualityReport | None = None) -> None:
        super().__init__(f"{step} failed")
        self.step = step
        self.report = report
        self.quality = quality


@dataclass
class RefreshOutcome:
    run_id: str
    published: bool
    row_counts: dict[str, int] = field(default_factory=dict)
    quality: QualityReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def new_run_id() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


class Steps:
    """Times each step and prints `[k/n] name … seconds`."""

    def __init__(self, total: int, progress: Progress) -> None:
        self.total, self.k, self.progress = total, 0, progress
        self.seconds: dict[str, float] = {}

    def run(self, name: str, fn: Callable[[], object]) -> object:
        self.k += 1
        self.progress(f"[{self.k}/{self.total}] {name} …")
        start = time.perf_counter()
        try:
            return fn()
        finally:
            self.seconds[name] = round(time.perf_counter() - start, 2)
            self.progress(f"[{self.k}/{self.total}] {name}: {self.seconds[name]:.1f} s")


def archive_extracts(home: Home, run_id: str, result: LoadResult, extract_dir: Path) -> Path:
    """Keep a copy of every extract received, with checksums, under archive/<run_id>/."""
    target = home.archive / run_id
    target.mkdir(parents=True, exist_ok=True)
    for f in result.files:
        shutil.copyfile(f.path, target / f.path.name)  # made 0600 (umask 077), not the sender's mode
        shutil.copystat(f.path, target / f.path.name)
        os.chmod(target / f.path.name, 0o600)
    manifest = {
        "run_id": run_id,
        "source": str(extract_dir.resolve()),
        "files": [
            {"entity": f.entity, "file": f.path.name, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows}
            for f in result.files
        ],
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def append_load_log(home: Home, entry: dict[str, object]) -> None:
    """One JSON line per refresh: when, which files (checksums), row counts, outcome."""
    home.root.mkdir(parents=True, exist_ok=True)
    with home.load_log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def load_step(extract_dir: Path, database: Path, work_dir: Path, progress: Progress) -> LoadResult:
    """Validate and load the extracts into `database` (a fresh file)."""
    con = duckdb.connect(str(database))
    try:
        return load_extracts(extract_dir, con, work_dir / "normalised", progress)
    finally:
        con.close()


# What the build's DuckDB may hold: four times the extracts' size, at least 3 GiB and at most 80 % of
# the machine (DuckDB's own default). Measured: 200,000 students (0.65 GB of extracts) peak at
# 3.3 GiB, 600,000 (2 GB) at 8 GiB, and at 600,000 a 3 GiB bound spilled enough to add a minute.
BUILD_MEMORY_PER_EXTRACT_BYTE = 4
BUILD_MEMORY_MIN_GIB = 3


def build_memory_limit(extract_bytes: int) -> str:
    """DuckDB's memory_limit for the build of extracts of this size (REGISTRAR_DUCKDB_MEMORY_LIMIT overrides)."""
    # whole GiB: the limit is part of dbt's profile, and a profile that changes makes dbt parse the
    # whole project again; extracts that grow a little keep the same limit
    machine_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 0.8 / 2**30
    wanted_gib = max(math.ceil(BUILD_MEMORY_PER_EXTRACT_BYTE * extract_bytes / 2**30), BUILD_MEMORY_MIN_GIB)
    return f"{min(wanted_gib, max(int(machine_gib), 1))}GiB"


def build_step(database: Path, run_dir: Path, progress: Progress, parse_cache: Path | None = None,
               extract_bytes: int = 0) -> DbtResult:
    """dbt build (seeds, models, data tests; not the unit tests) on `database`; raise RefreshFailed on any failure,
    with the outcome of every test that ran and the rows of those that failed."""
    result = run_dbt(["build", *BUILD_SELECTION], database, run_dir, progress, parse_cache=parse_cache,
                     memory_limit=build_memory_limit(extract_bytes))
    if not result.ok:
        lines = [f"  {f['node']}: {f['status']} — {f['message']}" for f in result.failures]
        quality = QualityReport(checks=dbt_test_outcomes(result, database))
        quality.checks += [
            CheckOutcome(name=f["node"].split(".", 2)[-1], source="dbt_build", severity="error", status="fail",
                         message=f["message"])
            for f in result.failures if not f["node"].startswith(("test.", "unit_test."))
        ]
        raise RefreshFailed("dbt build", "dbt build failed; nothing was published.\n" + "\n".join(lines), quality)
    return result


def contract_outcomes(result: LoadResult) -> list[CheckOutcome]:
    """The contract checks that passed on load, one line per extract, and one warning per file and
    rule the load warned about, for the quality report (which the warehouse and the page keep)."""
    passed = [
        CheckOutcome(name=f"extract contract: {f.path.name} ({f.rows:,} rows)", source="contract",
                     severity="error", status="pass")
        for f in result.files
    ]
    by_rule: dict[tuple[str, str], list[Defect]] = {}
    for w in result.warnings:
        by_rule.setdefault((w.file, w.rule), []).append(w)
    warned = [
        CheckOutcome(name=f"extract contract: {file}", source="contract", severity="warn", status="warn",
                     message=rule, failing_rows=sum(w.count for w in ws),
                     failing_keys=[f"row {w.row} | {w.column} | {w.value}" for w in ws if w.row])
        for (file, rule), ws in by_rule.items()
    ]
    return passed + warned


def write_refresh_meta(database: Path, run_id: str, extract_dir: Path, result: LoadResult,
                       quality: QualityReport) -> None:
    """Record inside the warehouse when and from what it was built, and its quality report."""
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema if not exists meta")
        con.execute(
            "create or replace table meta.refresh as select ?::varchar as run_id, "
            "?::timestamp as refreshed_at, ?::varchar as extract_dir, ?::json as row_counts, "
            "?::json as files",
            [run_id, dt.datetime.now(), str(extract_dir.resolve()), json.dumps(result.row_counts),
             json.dumps([{"file": f.path.name, "sha256": f.sha256, "rows": f.rows} for f in result.files])],
        )
        quality.write_table(con)
    finally:
        con.close()


def publish(database: Path, home: Home, quality: QualityReport) -> None:
    """Replace the served warehouse in one rename; readers that reopen see the new one."""
    with database.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(database, home.warehouse)
    report_tmp = home.root / ".quality_report.json.tmp"
    report_tmp.write_text(quality.to_json(), encoding="utf-8")
    os.replace(report_tmp, home.quality_report)
    dir_fd = os.open(home.root, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_last_refresh(home: Home, entry: dict[str, object], quality: QualityReport | None,
                       result: LoadResult, report: str = "") -> None:
    """What the registrar page shows of the latest refresh, published or not: its outcome,
    the step that failed, the defects found on load, the warnings (e.g. a code no seed labels:
    the code, its rows and the seed) and the checks with their failing rows."""
    failing = [asdict(c) for c in quality.checks if c.status != "pass"] if quality else []
    last = {
        **{k: entry.get(k) for k in ("run_id", "started_at", "finished_at", "outcome", "failed_step")},
        "report": "\n".join(report.splitlines()[:MAX_REPORT_LINES]),
        "counts": quality.counts() if quality else None,
        "warnings": [f"{c.name}: {c.message}" for c in quality.warnings] if quality else [],
        "failing_checks": failing,
        "defects": [d.as_dict() for d in result.defects[:MAX_DEFECTS_SHOWN]],
    }
    tmp = home.root / ".last_refresh.json.tmp"
    tmp.write_text(json.dumps(last, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, home.last_refresh)


def keep_build_timings(run_dir: Path, home: Home) -> None:
    """Keep dbt's run results (each node's timing) and manifest (its lineage) of the published
    build under last_build/, so `registrar-bench` and a registrar can see where the time went."""
    target = home.root / "last_build"
    target.mkdir(exist_ok=True)
    for name in ("run_results.json", "manifest.json"):
        found = run_dir / "dbt_target" / name
        if found.exists():
            shutil.copy2(found, target / name)


def prune_runs(home: Home, keep: str | None = None) -> None:
    """Remove run folders of earlier refreshes (killed or failed), keeping a few for diagnosis."""
    if not home.runs.exists():
        return
    runs = sorted((p for p in home.runs.iterdir() if p.is_dir() and p.name != keep), reverse=True)
    for old in runs[KEEP_FAILED_RUNS:]:
        shutil.rmtree(old, ignore_errors=True)
    for old in runs[:KEEP_FAILED_RUNS]:
        (old / WAREHOUSE_NAME).unlink(missing_ok=True)  # a half-built file is never useful


def refresh(extract_dir: Path, home: Home, progress: Progress = print, wait_seconds: float = 0.0) -> RefreshOutcome:
    """The whole refresh under the refresh lock, every file it makes private to the account
    (folders 0700, files 0600). Raises RefreshFailed when it publishes nothing."""
    with private_files():
        return _refresh(extract_dir, home, progress, wait_seconds)


def _refresh(extract_dir: Path, home: Home, progress: Progress, wait_seconds: float) -> RefreshOutcome:
    home.ensure()
    with refresh_lock(home.lock, wait_seconds):
        prune_runs(home)
        run_id = new_run_id()
        run_dir = home.runs / run_id
        run_dir.mkdir(parents=True)
        database = run_dir / WAREHOUSE_NAME
        steps = Steps(4, progress)
        entry: dict[str, object] = {
            "run_id": run_id, "started_at": dt.datetime.now().isoformat(timespec="seconds"),
            "extract_dir": str(extract_dir.resolve()),
        }
        result = LoadResult()
        try:
            if not extract_dir.is_dir():
                raise RefreshFailed("validate and load", f"{extract_dir}: not a folder of extracts")
            result = steps.run("validate and load extracts",
                               lambda: load_step(extract_dir, database, run_dir, progress))  # type: ignore[assignment]
            archive_extracts(home, run_id, result, extract_dir)
            for w in result.warnings:
                progress(f"  warning: {w}")
            if not result.ok:
                raise RefreshFailed("validate and load", format_report(result.defects, result.warnings))
            built = steps.run("dbt build (models and tests)",
                              lambda: build_step(database, run_dir, progress, home.dbt_parse_cache,
                                                 sum(f.bytes for f in result.files)))
            assert isinstance(built, DbtResult)
            quality = steps.run("quality checks", lambda: run_checks(database, built, progress))
            assert isinstance(quality, QualityReport)
            quality.checks[:0] = contract_outcomes(result)
            if quality.blocking:
                raise RefreshFailed("quality checks", quality.summary(), quality)

            def _publish() -> None:
                write_refresh_meta(database, run_id, extract_dir, result, quality)
                publish(database, home, quality)

            steps.run("publish", _publish)
        except RefreshFailed as failure:
            entry.update(_log_fields(result, steps, "failed", failure.step, failure.report))
            append_load_log(home, entry)
            write_last_refresh(home, entry, failure.quality, result, failure.report)
            (run_dir / "defects.txt").write_text(failure.report, encoding="utf-8")
            if result.defects:
                (run_dir / "defects.json").write_text(
                    json.dumps([d.as_dict() for d in result.defects], ensure_ascii=False, indent=1),
                    encoding="utf-8")
            raise
        entry.update(_log_fields(result, steps, "published"))
        append_load_log(home, entry)
        write_last_refresh(home, entry, quality, result)
        keep_build_timings(run_dir, home)
        shutil.rmtree(run_dir, ignore_errors=True)
        return RefreshOutcome(run_id, True, result.row_counts, quality, steps.seconds)


def _log_fields(result: LoadResult, steps: Steps, outcome: str, step: str = "", report: str = "") -> dict:
    fields: dict[str, object] = {
        "finished_at": dt.datetime.now().isoformat(timespec="seconds"),
        "outcome": outcome,
        "files": [{"file": f.path.name, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows} for f in result.files],
        "row_counts": result.row_counts,
        "seconds": steps.seconds,
    }
    if step:
        fields["failed_step"] = step
        fields["defects"] = sum(d.count for d in result.defects) if result.defects else None
        fields["summary"] = report.splitlines()[0] if report else ""
    return fields

