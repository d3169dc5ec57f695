"""The refresh: validate → load → dbt build → checks → publish, all or nothing.

The new warehouse is built in its own run folder under the same basename as the
served file, and replaces `$REGISTRAR_HOME/warehouse.duckdb` in one rename only when
every step passed. Whatever happens before that rename, the last good warehouse keeps
serving.

Before the rename, the publish guard (guard.py, rules C7) compares the new warehouse's figures
with the published one's: a fall past its var holds the build under `held/` (RefreshHeld, nothing
published) until a refresh with `accept_drop` publishes it, without building the same extracts
again. Each published warehouse is kept for rollback (history.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from extract.defects import Defect, format_report
from extract.load import LoadResult, load_extracts, locate_extracts, sha256_of
from registrar.common.paths import WAREHOUSE_NAME, Home, private_files
from registrar.pipeline import changes, guard, history, incremental
from registrar.pipeline.checks import dbt_test_outcomes, run_checks, store_failing_rows
from registrar.pipeline.dbt import DbtProcess, DbtResult, start_dbt
from registrar.pipeline.expectations import import_in_background
from registrar.pipeline.lock import RefreshBusy, refresh_lock
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


class RefreshHeld(RefreshFailed):
    """The publish guard held the build (rules C7): nothing was published; `drops` are the figures
    that fell too far, `pairs` every figure compared (before, after)."""

    def __init__(self, report: str, pairs: list[guard.Drop], drops: list[guard.Drop],
                 quality: QualityReport | None = None) -> None:
        super().__init__("publish guard", report, quality)
        self.pairs = pairs
        self.drops = drops


@dataclass
class RefreshOutcome:
    run_id: str
    published: bool
    row_counts: dict[str, int] = field(default_factory=dict)
    quality: QualityReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    accepted_drops: list[guard.Drop] = field(default_factory=list)  # figures published past the guard


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


def archive_extracts(home: Home, run_id: str, result: LoadResult, extract_dir: Path,
                     served: history.RunRecord | None = None) -> Path:
    """Keep a copy of every extract received, with checksums, under archive/<run_id>/.

    A file with the name and sha256 of one the warehouse served now was loaded from (`served`) is the
    archived copy of that run, linked rather than copied again: a nightly export repeats most files
    unchanged, and the archive keeps every night's (at 200,000 students 645 MB a night, of which the
    registrations' 264 MB and the reference files are the same bytes every night)."""
    target = home.archive / run_id
    target.mkdir(parents=True, exist_ok=True)
    earlier = home.archive / served.run_id if served else None
    kept = {str(f["file"]): str(f["sha256"]) for f in served.files} if served else {}
    for f in result.files:
        name = f.path.name
        if earlier and kept.get(name) == f.sha256 and _link_archived(earlier / name, target / name, f.bytes):
            continue
        shutil.copyfile(f.path, target / name)  # made 0600 (umask 077), not the sender's mode
        shutil.copystat(f.path, target / name)
        os.chmod(target / name, 0o600)
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


def _link_archived(archived: Path, link: Path, size: int) -> bool:
    """Link `link` to the archived file `archived` of the same bytes; False (nothing made) when it is
    gone or another size, or the file system makes no links: the caller copies instead."""
    try:
        if archived.stat().st_size != size:
            return False
        os.link(archived, link)
    except OSError:
        return False
    return True


def append_load_log(home: Home, entry: dict[str, object]) -> None:
    """One JSON line per refresh: when, which files (checksums), row counts, outcome."""
    home.root.mkdir(parents=True, exist_ok=True)
    with home.load_log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def load_step(extract_dir: Path, database: Path, work_dir: Path, progress: Progress,
              plan: incremental.Plan | None = None, checksums: dict[str, str] | None = None) -> LoadResult:
    """Validate and load the extracts into `database`: a new file, or with an incremental `plan` a copy
    of the served warehouse (incremental.py)."""
    if plan is not None and plan.base is not None:
        incremental.start_from(plan.base, database)
    con = duckdb.connect(str(database))
    try:
        return load_extracts(extract_dir, con, work_dir / "normalised", progress,
                             plan.previous if plan is not None else None, checksums)
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


def start_build(database: Path, run_dir: Path, parse_cache: Path | None = None, extract_bytes: int = 0,
                selection: tuple[str, ...] = ()) -> DbtProcess:
    """dbt for the build of `database` (build_step), started now: it parses the project while the extracts load."""
    return start_dbt(["build", *selection, *BUILD_SELECTION], database, run_dir, parse_cache=parse_cache,
                     memory_limit=build_memory_limit(extract_bytes))


def build_step(database: Path, progress: Progress, dbt: DbtProcess, selective: bool = False) -> DbtResult:
    """dbt build (seeds, models, data tests; not the unit tests) on `database` with the dbt start_build started
    for it, of a `selective` build only a selection (a nightly build: incremental.Plan.selection); raise
    RefreshFailed on any failure, with the outcome of every test that ran and the rows of those that failed."""
    import_in_background()  # the checks after the build need it
    result = dbt.run(progress)
    result.selective = selective
    store_failing_rows(database, result)
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
                       quality: QualityReport, started_by: str = "", unchanged: tuple[str, ...] = ()) -> guard.Figures:
    """Record inside the warehouse when and from what it was built, by whom, and its quality report;
    return its figures for the publish guard. The per-student files `unchanged` since the warehouse a nightly
    build copied (incremental.Plan.unchanged_files) keep the term fingerprints it stored."""
    con = duckdb.connect(str(database))
    try:
        figures = guard.figures_of(con, result.extract_date, result.row_counts)
        con.execute("create schema if not exists meta")
        con.execute(
            "create or replace table meta.refresh as select ?::varchar as run_id, "
            "?::timestamp as refreshed_at, ?::varchar as extract_dir, ?::json as row_counts, "
            "?::json as files, ?::date as extract_date, ?::bigint as headcount, ?::varchar as started_by",
            [run_id, dt.datetime.now(), str(extract_dir.resolve()), json.dumps(result.row_counts),
             json.dumps([{"file": f.path.name, "sha256": f.sha256, "rows": f.rows} for f in result.files]),
             figures.extract_date, figures.headcount, started_by],
        )
        quality.write_table(con)
        changes.write_fingerprints(con, unchanged)
        incremental.keep_rebuilt_students(con)
    finally:
        con.close()
    return figures


def publish(database: Path, home: Home, quality: QualityReport, record: history.RunRecord,
            digest: Future[str] | None = None) -> None:
    """Replace the served warehouse in one rename; readers that reopen see the new one. The warehouse is
    kept for rollback first, with its `record` (history.py) and its file's sha256 (`digest`, when the caller
    started taking it), and older kept ones pruned."""
    # the kept file's checksum is taken while the file is flushed to disk: each waits on its own (I/O, hashlib)
    with ThreadPoolExecutor(max_workers=1) as hashing:
        digest = digest or hashing.submit(sha256_of, database)
        with database.open("rb") as fh:
            os.fsync(fh.fileno())
        history.keep(home, database, quality.to_json(), record, digest.result())
    os.replace(database, home.warehouse)
    report_tmp = home.root / ".quality_report.json.tmp"
    report_tmp.write_text(quality.to_json(), encoding="utf-8")
    os.replace(report_tmp, home.quality_report)
    dir_fd = os.open(home.root, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    history.set_current(home, record.run_id)
    history.prune(home)


def write_last_refresh(home: Home, entry: dict[str, object], quality: QualityReport | None,
                       result: LoadResult, report: str = "") -> None:
    """What the registrar page shows of the latest refresh, published or not: its outcome,
    the step that failed, the defects found on load, the warnings (e.g. a code no seed labels:
    the code, its rows and the seed) and the checks with their failing rows."""
    failing = [asdict(c) for c in quality.checks if c.status != "pass"] if quality else []
    last = {
        **{k: entry.get(k) for k in ("run_id", "started_at", "finished_at", "outcome", "failed_step", "changes")},
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


def refresh(extract_dir: Path, home: Home, progress: Progress = print, wait_seconds: float = 0.0,
            accept_drop: bool = False, started_by: str | None = None, full: bool = False) -> RefreshOutcome:
    """The whole refresh under the refresh lock, every file it makes private to the account
    (folders 0700, files 0600). Raises RefreshFailed when it publishes nothing (RefreshHeld when
    the publish guard held it; `accept_drop` publishes it). `started_by` is who asked for it (the
    dashboard's user), the OS account by default. `full` builds the whole warehouse from the extracts
    even where a nightly build could start from the served one (incremental.py)."""
    started_by = started_by or history.who()
    with private_files():
        status = RefreshStatus(home, started_by, extract_dir, progress)
        try:
            outcome = _refresh(extract_dir, home, status, wait_seconds, accept_drop, started_by, full)
        except RefreshFailed as failure:
            status.finish("held" if isinstance(failure, RefreshHeld) else "failed", step=failure.step)
            raise
        except RefreshBusy:
            raise  # another refresh runs: its status file is its own
        except BaseException as crash:
            if status.started:  # under the lock: a crash, an interrupt
                status.finish("failed", step=type(crash).__name__)
            raise
        status.finish("published", run_id=outcome.run_id)
        return outcome


STATUS_FILE = "refresh_status.json"
_STEP_LINE = re.compile(r"^\[(\d+)/(\d+)\] (.+?)(?: …|: [\d.]+ s)$")
_NODES_LINE = re.compile(r"^\s*dbt: (\d+) of (\d+) nodes done$")


class RefreshStatus:
    """The refresh's progress (the step, dbt's nodes done of their total, since when, by whom) and
    at the end its outcome, kept in `$REGISTRAR_HOME/refresh_status.json` for the Data refresh page,
    which follows a refresh started from a terminal or from the page alike. A progress callable:
    every line goes on to `progress`; the file is written (whole, by a rename) from the first line,
    which comes once the refresh holds the lock."""

    def __init__(self, home: Home, started_by: str, extract_dir: Path, progress: Progress) -> None:
        self.home, self.progress = home, progress
        self.state: dict[str, object] = {
            "state": "running", "pid": os.getpid(), "started_by": started_by,
            "started_at": dt.datetime.now().isoformat(timespec="seconds"), "extract_dir": str(extract_dir),
            "step": "", "step_no": 0, "steps": 0, "nodes_done": 0, "nodes_total": 0,
        }
        self.started = False

    def __call__(self, message: str) -> None:
        self.progress(message)
        if step := _STEP_LINE.match(message):
            self.state.update(step_no=int(step[1]), steps=int(step[2]), step=step[3])
        elif nodes := _NODES_LINE.match(message):
            self.state.update(nodes_done=int(nodes[1]), nodes_total=int(nodes[2]))
        self._write()

    def finish(self, outcome: str, run_id: str = "", step: str = "") -> None:
        self.state.update(state=outcome, run_id=run_id, failed_step=step,
                          finished_at=dt.datetime.now().isoformat(timespec="seconds"))
        self._write()

    def _write(self) -> None:
        self.started = True
        self.state["updated_at"] = dt.datetime.now().isoformat(timespec="seconds")
        tmp = self.home.root / f".{STATUS_FILE}.tmp"
        tmp.write_text(json.dumps(self.state, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.home.root / STATUS_FILE)


def read_status(home: Home) -> dict[str, object] | None:
    """The last refresh's status file (RefreshStatus), or None."""
    try:
        return json.loads((home.root / STATUS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


HELD_META = "held.json"


def _extract_files(extract_dir: Path) -> list[dict[str, object]]:
    """The extract files of a folder with their checksums, as a load would record them."""
    found, _missing = locate_extracts(extract_dir)
    paths = sorted(found.values())
    # two at a time: hashlib lets go of the GIL while it hashes, and the largest files are two (grades, enrollments)
    with ThreadPoolExecutor(max_workers=2) as hashing:
        digests = list(hashing.map(sha256_of, paths))
    return [{"file": p.name, "sha256": digest, "bytes": p.stat().st_size}
            for p, digest in zip(paths, digests, strict=True)]


def _held_build(home: Home, extract_dir: Path) -> dict[str, object] | None:
    """The held build of these very extracts, built by this very project, or None."""
    meta_path = home.held / HELD_META
    if not meta_path.exists() or not (home.held / WAREHOUSE_NAME).exists() or not extract_dir.is_dir():
        return None
    held = json.loads(meta_path.read_text(encoding="utf-8"))
    if held.get("fingerprint") != history.project_fingerprint():
        return None
    if held["record"]["extract_sha256"] != history.folder_checksum(_extract_files(extract_dir)):
        return None
    return held


def _hold(home: Home, database: Path, record: history.RunRecord, quality: QualityReport, figures: guard.Figures,
          row_counts: dict[str, int]) -> None:
    """Keep a build the guard held under held/ (one at a time), for --accept-drop."""
    shutil.rmtree(home.held, ignore_errors=True)
    home.held.mkdir(parents=True)
    os.replace(database, home.held / WAREHOUSE_NAME)
    held = {"record": json.loads(record.as_json()), "fingerprint": history.project_fingerprint(),
            "figures": figures.as_dict(), "row_counts": row_counts, "quality": quality.to_json()}
    (home.held / HELD_META).write_text(json.dumps(held, ensure_ascii=False, indent=1), encoding="utf-8")


def published_figures(home: Home) -> guard.Figures | None:
    """The figures of the warehouse served now: from its kept record, else from the file itself."""
    current = history.current_record(home)
    if current is not None and current.figures:
        return guard.Figures.from_dict(current.figures)
    if home.warehouse.exists():
        return guard.read_figures(home.warehouse)
    return None


def _guard(home: Home, figures: guard.Figures, accept_drop: bool, quality: QualityReport,
           progress: Progress) -> list[guard.Drop]:
    """Compare with the published warehouse; raise RefreshHeld on a fall past the var unless accepted.
    Returns the falls accepted."""
    before = published_figures(home)
    if before is None:
        return []
    pairs, drops = guard.compare(before, figures)
    for pair in pairs:
        progress(f"  {pair.describe()}")
    if drops and not accept_drop:
        raise RefreshHeld(guard.held_report(pairs, drops), pairs, drops, quality)
    return drops


def _changes_since_published(home: Home, current: history.RunRecord | None, database: Path, result: LoadResult,
                              files: list[dict[str, object]], progress: Progress, rebuilt: str) -> dict[str, object]:
    """Print and return what changed since the warehouse served now (its record `current`), file by file and
    term by term (C8)."""
    found = changes.compare(database, home.warehouse if home.warehouse.exists() else None,
                            current.run_id if current else "the warehouse served now", result.extract_date, files,
                            current.files if current else [])
    found.rebuilt = rebuilt
    for line in found.lines():
        progress(f"  {line}")
    return found.as_dict()


def _refresh(extract_dir: Path, home: Home, progress: Progress, wait_seconds: float, accept_drop: bool,
             started_by: str, full: bool = False) -> RefreshOutcome:
    home.ensure()
    with refresh_lock(home.lock, wait_seconds, by=started_by), contextlib.ExitStack() as stack:
        prune_runs(home)
        held = _held_build(home, extract_dir)
        if held is not None:
            return _publish_held(home, held, accept_drop, started_by, progress)
        run_id = new_run_id()
        run_dir = home.runs / run_id
        run_dir.mkdir(parents=True)
        database = run_dir / WAREHOUSE_NAME
        steps = Steps(4, progress)
        entry: dict[str, object] = {
            "run_id": run_id, "started_at": dt.datetime.now().isoformat(timespec="seconds"),
            "extract_dir": str(extract_dir.resolve()), "started_by": started_by,
        }
        result = LoadResult()
        try:
            if not extract_dir.is_dir():
                raise RefreshFailed("validate and load", f"{extract_dir}: not a folder of extracts")
            today = _extract_files(extract_dir)  # hashed once: for the plan and the load
            project = history.project_fingerprint()  # read once: for the plan and the record
            served = history.current_record(home)  # read once: for the plan and the changes since it
            build_plan = incremental.plan(home.warehouse, served, today, full, project)
            progress(f"  build: {build_plan.describe()}")
            entry["build"] = build_plan.describe()
            selection = build_plan.selection()
            dbt = start_build(database, run_dir, home.dbt_parse_cache, sum(int(str(f["bytes"])) for f in today),
                              selection)  # dbt parses while the extracts load
            stack.callback(dbt.stop)  # a refresh that stops before its build ends it, the warehouse unopened
            changed_students: list[int | None] = [None]

            def _load() -> LoadResult:
                loaded = load_step(extract_dir, database, run_dir, progress, build_plan,
                                   {str(f["file"]): str(f["sha256"]) for f in today})
                if loaded.ok:  # C8: which students the per-student models rebuild
                    marked = incremental.mark_changed_students(database, build_plan.incremental,
                                                               build_plan.unchanged_files)
                    if marked is not None:
                        changed_students[0] = marked[0]
                        progress(f"  students whose records changed: {marked[0]:,} ({marked[1]})")
                return loaded

            result = steps.run("validate and load extracts", _load)  # type: ignore[assignment]
            archive_extracts(home, run_id, result, extract_dir, served)
            for w in result.warnings:
                progress(f"  warning: {w}")
            if not result.ok:
                raise RefreshFailed("validate and load", format_report(result.defects, result.warnings))
            built = steps.run("dbt build (models and tests)",
                              lambda: build_step(database, progress, dbt, bool(selection)))
            assert isinstance(built, DbtResult)
            quality = steps.run("quality checks", lambda: run_checks(database, built, progress))
            assert isinstance(quality, QualityReport)
            quality.checks[:0] = contract_outcomes(result)
            if quality.blocking:
                raise RefreshFailed("quality checks", quality.summary(), quality)
            accepted: list[guard.Drop] = []

            def _publish() -> None:
                figures = write_refresh_meta(database, run_id, extract_dir, result, quality, started_by,
                                             build_plan.unchanged_files)
                files = [{"file": f.path.name, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows}
                         for f in result.files]
                # the warehouse file is final: its checksum is taken while the changes are compared (which
                # reads it read only)
                with ThreadPoolExecutor(max_workers=1) as hashing:
                    digest = hashing.submit(sha256_of, database)
                    entry["changes"] = _changes_since_published(
                        home, served, database, result, files, progress,
                        build_plan.rebuilt(changed_students[0], len(built.not_run("model"))))
                    record = history.RunRecord(
                        run_id=run_id, published_at=dt.datetime.now().isoformat(timespec="seconds"),
                        extract_dir=str(extract_dir.resolve()), extract_sha256=history.folder_checksum(files),
                        started_by=started_by, checks=quality.counts(), figures=figures.as_dict(), files=files,
                        project_fingerprint=project)
                    try:
                        accepted[:] = _guard(home, figures, accept_drop, quality, progress)
                    except RefreshHeld:
                        _hold(home, database, record, quality, figures, result.row_counts)
                        raise
                    record.accepted_drop = bool(accepted)
                    publish(database, home, quality, record, digest)
                shutil.rmtree(home.held, ignore_errors=True)  # a later publish makes a held build stale

            steps.run("publish", _publish)
        except RefreshFailed as failure:
            outcome = "held" if isinstance(failure, RefreshHeld) else "failed"
            entry.update(_log_fields(result, steps, outcome, failure.step, failure.report))
            append_load_log(home, entry)
            write_last_refresh(home, entry, failure.quality, result, failure.report)
            (run_dir / "defects.txt").write_text(failure.report, encoding="utf-8")
            if result.defects:
                (run_dir / "defects.json").write_text(
                    json.dumps([d.as_dict() for d in result.defects], ensure_ascii=False, indent=1),
                    encoding="utf-8")
            raise
        entry.update(_log_fields(result, steps, "published"))
        if accepted:
            entry["accepted_drops"] = [d.describe() for d in accepted]
        append_load_log(home, entry)
        write_last_refresh(home, entry, quality, result)
        keep_build_timings(run_dir, home)
        shutil.rmtree(run_dir, ignore_errors=True)
        return RefreshOutcome(run_id, True, result.row_counts, quality, steps.seconds, accepted)


def _publish_held(home: Home, held: dict, accept_drop: bool, started_by: str, progress: Progress) -> RefreshOutcome:
    """The same extracts as the held build, with the same project: no build again; the guard
    compares again (the published warehouse may have changed) and publishes or holds it again."""
    progress("[1/1] publish the held build of these extracts (built before; no rebuild) …")
    start = time.perf_counter()
    record = history.RunRecord.from_dict(held["record"])
    quality = QualityReport.from_json(held["quality"])
    figures = guard.Figures.from_dict(held["figures"])
    entry: dict[str, object] = {
        "run_id": record.run_id, "started_at": dt.datetime.now().isoformat(timespec="seconds"),
        "extract_dir": record.extract_dir, "started_by": started_by, "reused_held_build": True,
        "files": record.files, "row_counts": held.get("row_counts", {}),
    }
    result = LoadResult(row_counts=held.get("row_counts", {}))
    try:
        accepted = _guard(home, figures, accept_drop, quality, progress)
    except RefreshHeld as failure:
        entry.update(finished_at=dt.datetime.now().isoformat(timespec="seconds"), outcome="held",
                     failed_step=failure.step, summary=failure.report.splitlines()[0])
        append_load_log(home, entry)
        write_last_refresh(home, entry, quality, result, failure.report)
        raise
    record.started_by, record.accepted_drop = started_by, bool(accepted)
    record.published_at = dt.datetime.now().isoformat(timespec="seconds")
    publish(home.held / WAREHOUSE_NAME, home, quality, record)
    shutil.rmtree(home.held, ignore_errors=True)
    seconds = {"publish": round(time.perf_counter() - start, 2)}
    entry.update(finished_at=dt.datetime.now().isoformat(timespec="seconds"), outcome="published", seconds=seconds)
    if accepted:
        entry["accepted_drops"] = [d.describe() for d in accepted]
    append_load_log(home, entry)
    write_last_refresh(home, entry, quality, result)
    return RefreshOutcome(record.run_id, True, result.row_counts, quality, seconds, accepted)


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

