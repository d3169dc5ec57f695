"""Where things live: the data directory ($REGISTRAR_HOME) and the dbt project."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policy import PROJECT_DIR

__all__ = ["PRIVATE_UMASK", "PROJECT_DIR", "WAREHOUSE_NAME", "Home", "private_files"]

WAREHOUSE_NAME = "warehouse.duckdb"  # the basename stays the same from build to publish (views keep it)
# Everything under $REGISTRAR_HOME is personal data or guards it (the warehouse, the archived
# extracts, the logs, the users): folders 0700, files 0600, for the account that runs it only.
PRIVATE_UMASK = 0o077


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Files and folders made meanwhile, by this process or its children (dbt), for its account
    only (umask 077); the process's own umask again after."""
    before = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(before)


@lru_cache(maxsize=64)
def _resolved(path: str, cwd: str) -> Path:
    """`path` made absolute from `cwd`, links resolved: asked on every page run and query, and
    resolving walks the path with a system call per part (a tenth of a busy server's time)."""
    return (Path(cwd) / path).resolve()


@dataclass(frozen=True)
class Home:
    """The data directory and the fixed places inside it."""

    root: Path

    @classmethod
    def from_env(cls) -> Home:
        named = os.environ.get("REGISTRAR_HOME", "data")
        return cls(_resolved(named, "" if os.path.isabs(named) else os.getcwd()))

    @property
    def warehouse(self) -> Path:
        """The published warehouse that dashboards read."""
        return self.root / WAREHOUSE_NAME

    @property
    def quality_report(self) -> Path:
        """The quality report of the published warehouse."""
        return self.root / "quality_report.json"

    @property
    def last_refresh(self) -> Path:
        """The outcome of the latest refresh, published or failed, for the registrar page."""
        return self.root / "last_refresh.json"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def dbt_parse_cache(self) -> Path:
        """dbt's parsed project from the last refresh, so the next one parses only what changed."""
        return self.root / "dbt_partial_parse.msgpack"

    @property
    def published(self) -> Path:
        """The last published warehouses, one folder per run, kept for rollback (history.py)."""
        return self.root / "published"

    @property
    def held(self) -> Path:
        """The build the publish guard held, kept for `registrar refresh --accept-drop`."""
        return self.root / "held"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def load_log(self) -> Path:
        return self.root / "load_log.jsonl"

    @property
    def lock(self) -> Path:
        return self.root / "refresh.lock"

    @property
    def work(self) -> Path:
        """The warehouse that `registrar load` and `registrar build` work on."""
        return self.root / "work"

    def ensure(self) -> None:
        """The data directory and its folders, private (0700), and whatever an earlier version
        left readable to others made private too (folders 0700, files 0600)."""
        for path in (self.root, self.runs, self.archive):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.tighten()

    def tighten(self) -> None:
        """No file under the data directory readable, and no folder open, to other accounts."""
        os.chmod(self.root, 0o700)
        for folder, dirs, files in os.walk(self.root):
            for name in dirs:
                path = os.path.join(folder, name)
                if not os.path.islink(path) and os.stat(path).st_mode & 0o077:
                    os.chmod(path, 0o700)
            for name in files:
                path = os.path.join(folder, name)
                with contextlib.suppress(FileNotFoundError):  # a temporary file gone meanwhile
                    if not os.path.islink(path) and os.stat(path).st_mode & 0o077:
                        os.chmod(path, os.stat(path).st_mode & 0o700)
