"""Where things live: the data directory ($REGISTRAR_HOME) and the dbt project."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from policy import PROJECT_DIR

__all__ = ["PROJECT_DIR", "WAREHOUSE_NAME", "Home"]

WAREHOUSE_NAME = "warehouse.duckdb"  # the basename stays the same from build to publish (views keep it)


@dataclass(frozen=True)
class Home:
    """The data directory and the fixed places inside it."""

    root: Path

    @classmethod
    def from_env(cls) -> Home:
        return cls(Path(os.environ.get("REGISTRAR_HOME", "data")).resolve())

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
        for path in (self.root, self.runs, self.archive):
            path.mkdir(parents=True, exist_ok=True)
