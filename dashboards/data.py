"""The one data layer of the dashboards: read-only access to the published warehouse.

DuckDB allows one writer or many readers, and caches open databases by path inside a
process. The refresh replaces `warehouse.duckdb` with a rename, so this layer notices
a new file (inode or mtime changed), closes its old connection and opens the new one.
Each query runs on its own cursor under a lock, because connections are not
thread-safe and Streamlit serves sessions from several threads.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from registrar.paths import Home


@dataclass(frozen=True)
class FileStamp:
    inode: int
    mtime_ns: int


class Warehouse:
    """Read-only queries against the published warehouse, reopened after each publish."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: FileStamp | None = None

    def _stat(self) -> FileStamp | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return FileStamp(st.st_ino, st.st_mtime_ns)

    def _connection(self) -> duckdb.DuckDBPyConnection:
        stamp = self._stat()
        if stamp is None:
            raise FileNotFoundError(f"no published warehouse at {self.path}; run `registrar refresh`")
        if self._con is None or stamp != self._stamp:
            if self._con is not None:
                self._con.close()  # every connection to the path must close before the new file opens
            self._con = duckdb.connect(str(self.path), read_only=True)
            self._stamp = stamp
        return self._con

    @property
    def available(self) -> bool:
        return self._stat() is not None

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run one parameterised query; values are bound, never formatted into the SQL."""
        with self._lock:
            cursor = self._connection().cursor()
            try:
                return cursor.execute(sql, params or []).df()
            finally:
                cursor.close()

    def has_table(self, schema: str, table: str) -> bool:
        found = self.query(
            "select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        )
        return bool(found["n"].iloc[0])

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def warehouse_path() -> Path:
    return Home.from_env().warehouse


def refresh_status(wh: Warehouse) -> dict[str, Any] | None:
    """When the published warehouse was built, from what, and its checks' tally."""
    if not wh.available or not wh.has_table("meta", "refresh"):
        return None
    row = wh.query("select run_id, refreshed_at, extract_dir, row_counts from meta.refresh").iloc[0].to_dict()
    if wh.has_table("meta", "quality_checks"):
        tally = wh.query("select status, count(*) as n from meta.quality_checks group by status")
        row["checks"] = dict(zip(tally["status"], tally["n"], strict=True))
    return row


QUALITY_COLUMNS = ["name", "source", "tier", "severity", "status", "message", "failing_rows", "failing_keys",
                   "failures_table", "failing_sample", "guidance", "seed", "unknown_codes"]
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


def quality_checks(wh: Warehouse) -> pd.DataFrame:
    """Every check of the published build, problems first."""
    if not wh.available or not wh.has_table("meta", "quality_checks"):
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    stored = set(wh.query("select column_name from information_schema.columns "
                          "where table_schema = 'meta' and table_name = 'quality_checks'")["column_name"])
    # a warehouse published before a column existed shows it empty until its next refresh
    columns = [c if c in stored else f"null as {c}" for c in QUALITY_COLUMNS]
    return wh.query(
        f"select {', '.join(columns)} from meta.quality_checks "
        "order by case status when 'fail' then 0 when 'warn' then 1 else 2 end, source, tier, name"
    )


def failing_rows(wh: Warehouse, failures_table: str, limit: int = 10_000) -> pd.DataFrame:
    """All rows a dbt test stored as failing (schema.table named by meta.quality_checks)."""
    if not _TABLE_NAME.match(failures_table):
        raise ValueError(f"not a failures table: {failures_table!r}")
    schema, table = failures_table.split(".")
    if not wh.has_table(schema, table):
        return pd.DataFrame()
    return wh.query(f'select * from "{schema}"."{table}" limit ?', [limit])


def last_refresh(path: Path | None = None) -> dict[str, Any] | None:
    """The latest refresh as the pipeline recorded it (published or failed), or None."""
    path = path or Home.from_env().last_refresh
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None  # none yet, or being replaced this instant: the next rerun reads it
