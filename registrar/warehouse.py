"""Read-only access to the published warehouse, shared by the CLI's reports and the dashboards.

DuckDB allows one writer or many readers, and caches open databases by path inside a
process. The refresh replaces `warehouse.duckdb` with a rename, so this layer notices
a new file (inode or mtime changed), closes its old connection and opens the new one.
Each query runs on its own cursor under a lock, because connections are not
thread-safe and Streamlit serves sessions from several threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


class NoWarehouse(FileNotFoundError):
    """Nothing has been published yet at this path."""


class Warehouse:
    """Read-only queries against the published warehouse, reopened after each publish."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: FileStamp | None = None

    @classmethod
    def published(cls) -> Warehouse:
        """The warehouse `registrar refresh` publishes under $REGISTRAR_HOME."""
        return cls(Home.from_env().warehouse)

    def _stat(self) -> FileStamp | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return FileStamp(st.st_ino, st.st_mtime_ns)

    def _connection(self) -> duckdb.DuckDBPyConnection:
        stamp = self._stat()
        if stamp is None:
            raise NoWarehouse(f"no published warehouse at {self.path}; run `registrar refresh`")
        if self._con is None or stamp != self._stamp:
            if self._con is not None:
                self._con.close()  # every connection to the path must close before the new file opens
            self._con = duckdb.connect(str(self.path), read_only=True)
            self._stamp = stamp
        return self._con

    @property
    def available(self) -> bool:
        return self._stat() is not None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one unit of work (a query, or a report's build), held under
        the lock so that a publish in between cannot swap the file under it."""
        with self._lock:
            cursor = self._connection().cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run one parameterised query; values are bound, never formatted into the SQL."""
        with self.cursor() as cursor:
            return cursor.execute(sql, params or []).df()

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
