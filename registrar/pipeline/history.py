"""The last published warehouses, kept for `registrar history` and `registrar rollback`.

Every publish keeps its warehouse under `published/<run_id>/warehouse.duckdb` (a hard link to
the file it serves, so the run being served takes its space once), with `run.json` (what it was
built from, its checks and figures, who started it) and its quality report. The newest
`published_keep` runs (settings.yml) are kept. `published/current` names the run being served.

A rollback serves a kept run again the way a refresh publishes: under the refresh lock, its file
linked beside the served one and renamed over it in one step, with the same basename (views
keep the catalog name), so a reader sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from extract.load import sha256_of
from policy import PROJECT_DIR, settings
from registrar.common.paths import WAREHOUSE_NAME, Home, private_files
from registrar.pipeline.lock import refresh_lock

RECORD = "run.json"
QUALITY = "quality_report.json"
CURRENT = "current"
# what decides whether a build is still the build of the same extracts (the held build's reuse)
PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/dbt", "expectations",
                  "extract", "policy", "registrar/pipeline", "requirements.lock")


class RollbackRefused(RuntimeError):
    """No such kept run, or nothing to roll back to."""


@dataclass
class RunRecord:
    """One published warehouse as `registrar history` lists it."""

    run_id: str
    published_at: str
    extract_dir: str
    extract_sha256: str  # of the extract folder: the file names and each file's sha256
    started_by: str
    checks: dict[str, int] = field(default_factory=dict)  # outcome → checks
    figures: dict[str, object] = field(default_factory=dict)  # guard.Figures
    files: list[dict[str, object]] = field(default_factory=list)
    accepted_drop: bool = False
    sha256: str = ""  # of the warehouse file as published
    bytes: int = 0
    project_fingerprint: str = ""  # project_fingerprint() of the build: a nightly build starts from it only if equal
    current: bool = False  # being served now (not stored)

    @property
    def passed(self) -> int:
        return int(self.checks.get("pass", 0))

    @property
    def warned(self) -> int:
        return int(self.checks.get("warn", 0))

    def as_json(self) -> str:
        stored = {k: v for k, v in asdict(self).items() if k != "current"}
        return json.dumps(stored, ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> RunRecord:
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw and k != "current"}
        return cls(**known)  # type: ignore[arg-type]


def who() -> str:
    """The account that runs this command (the OS user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def keep_count() -> int:
    """How many published warehouses are kept (setting published_keep, at least 1)."""
    return max(int(settings().get("published_keep", 7)), 1)


def folder_checksum(files: list[dict[str, object]]) -> str:
    """One checksum of an extract folder: its file names and each file's sha256, in name order."""
    lines = sorted(f"{f['file']} {f['sha256']}" for f in files)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def project_fingerprint() -> str:
    """A digest of what a build is made from besides the extracts (models, seeds, vars, checks, the
    loader, the pinned packages): a held build is reused, and a nightly build starts from the served
    warehouse (incremental.py), only while this is unchanged."""
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        root = PROJECT_DIR / name
        paths = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _write(path: Path, text: str) -> None:
    """Write `text` to `path` in one rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_or_copy(source: Path, target: Path) -> None:
    """`target` the same file as `source`: a hard link, or a copy where links are not possible."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def current_run_id(home: Home) -> str | None:
    """The kept run being served (published/current), None before the first kept publish."""
    try:
        return (home.published / CURRENT).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def set_current(home: Home, run_id: str) -> None:
    _write(home.published / CURRENT, run_id + "\n")


def keep(home: Home, database: Path, quality_json: str, record: RunRecord, sha256: str) -> RunRecord:
    """Keep the warehouse about to be published (before it is renamed into place) with its record and its
    file's `sha256` (refresh.publish takes it while the file is flushed)."""
    target = home.published / record.run_id
    target.mkdir(parents=True, exist_ok=True)
    record.sha256 = sha256
    record.bytes = database.stat().st_size
    _link_or_copy(database, target / WAREHOUSE_NAME)
    _write(target / QUALITY, quality_json)
    _write(target / RECORD, record.as_json())
    return record


def prune(home: Home) -> None:
    """Remove the kept runs past the newest `published_keep`, never the one being served."""
    current = current_run_id(home)
    kept = [r.run_id for r in runs(home)]
    for run_id in kept[keep_count():]:
        if run_id != current:
            shutil.rmtree(home.published / run_id, ignore_errors=True)


def runs(home: Home) -> list[RunRecord]:
    """The kept runs, newest first, the one being served marked `current`."""
    if not home.published.is_dir():
        return []
    current = current_run_id(home)
    found = []
    for folder in home.published.iterdir():
        record_path = folder / RECORD
        if not folder.is_dir() or not record_path.exists() or not (folder / WAREHOUSE_NAME).exists():
            continue
        try:
            record = RunRecord.from_dict(json.loads(record_path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, TypeError):
            continue
        record.current = record.run_id == current
        found.append(record)
    return sorted(found, key=lambda r: r.run_id, reverse=True)


def current_record(home: Home) -> RunRecord | None:
    return next((r for r in runs(home) if r.current), None)


def disk_bytes(home: Home) -> int:
    """The space the kept warehouses take, each file once (the served run is a link to its kept file)."""
    seen: dict[tuple[int, int], int] = {}
    for path in home.published.glob(f"*/{WAREHOUSE_NAME}") if home.published.is_dir() else []:
        st = path.stat()
        seen[(st.st_dev, st.st_ino)] = st.st_size
    with contextlib.suppress(FileNotFoundError):
        st = home.warehouse.stat()
        seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


def rollback_target(home: Home, run_id: str | None = None) -> RunRecord:
    """The kept run to serve: `run_id`, or the one published before the run served now."""
    kept = runs(home)
    if run_id is not None:
        found = next((r for r in kept if r.run_id == run_id), None)
        if found is None:
            listed = ", ".join(r.run_id for r in kept) or "none"
            raise RollbackRefused(f"no kept run {run_id!r} (kept: {listed})")
        if found.current:
            raise RollbackRefused(f"run {run_id} is the one being served")
        return found
    index = next((i for i, r in enumerate(kept) if r.current), 0)
    if index + 1 >= len(kept):
        raise RollbackRefused("no kept run older than the one being served")
    return kept[index + 1]


def rollback(home: Home, run_id: str | None = None, progress: Callable[[str], None] = print,
             wait_seconds: float = 0.0) -> tuple[RunRecord, str | None]:
    """Serve the kept run `run_id` (default: the one before the current) again, atomically; return
    it and the run it replaced. Refuses with RollbackRefused, or RefreshBusy while a refresh runs."""
    with private_files(), refresh_lock(home.lock, wait_seconds):
        target = rollback_target(home, run_id)
        before = current_run_id(home)
        source = home.published / target.run_id / WAREHOUSE_NAME
        progress(f"Checking the kept warehouse of run {target.run_id} …")
        if target.sha256 and sha256_of(source) != target.sha256:
            raise RollbackRefused(f"the kept warehouse of run {target.run_id} changed since it was published "
                                  "(its sha256 differs); not served")
        staged = home.root / f".rollback.{WAREHOUSE_NAME}"
        _link_or_copy(source, staged)
        os.replace(staged, home.warehouse)
        quality = home.published / target.run_id / QUALITY
        if quality.exists():
            staged_quality = home.root / ".rollback.quality_report.json"
            shutil.copyfile(quality, staged_quality)
            os.replace(staged_quality, home.quality_report)
        _fsync_dir(home.root)
        set_current(home, target.run_id)
        progress(f"Serving run {target.run_id} (published {target.published_at}) again")
        target.current = True
        return target, before
