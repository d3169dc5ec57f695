"""Read-only access to the published warehouse, shared by the CLI's reports and the dashboards.

DuckDB allows one writer or many readers, and caches open databases by path inside a
process. The refresh replaces `warehouse.duckdb` with a rename, so this layer notices
a new file (inode or mtime changed), closes its old connection and opens the new one.
Each unit of work runs on its own cursor (connections are not thread-safe, cursors are),
so queries from different sessions run at the same time. A publish waits until the
queries on the old file finish, then swaps: a query never sees half of each file.
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

from registrar.common.paths import Home


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
        # readers share the open file; a swap to a newly published file waits for them to finish
        self._changed = threading.Condition()
        self._readers = 0
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
        """The connection to the file published now; call with `_changed` held."""
        stamp = self._stat()
        if stamp is None:
            raise NoWarehouse(f"no published warehouse at {self.path}; run `registrar refresh`")
        if self._con is None or stamp != self._stamp:
            while self._readers:  # queries on the old file finish first
                self._changed.wait()
            if self._con is not None:
                self._con.close()  # every connection to the path must close before the new file opens
            self._con = duckdb.connect(str(self.path), read_only=True)
            self._stamp = stamp
        return self._con

    @property
    def stamp(self) -> FileStamp | None:
        """The published file the open connection reads (None before the first query)."""
        return self._stamp

    @property
    def available(self) -> bool:
        return self._stat() is not None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one unit of work (a query, or a report's build). Other
        cursors run beside it; a publish in between cannot swap the file under it."""
        with self._changed:
            cursor = self._connection().cursor()
            self._readers += 1
        try:
            yield cursor
        finally:
            cursor.close()
            with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextmanager
    def reading(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, FileStamp]]:
        """A cursor and the stamp of the file it reads, for results cached per published file."""
        with self.cursor() as cursor:
            stamp = self._stamp
            assert stamp is not None  # set by _connection before the cursor was made
            yield cursor, stamp

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] | None = None) -> pd.DataFrame:
        """Run one parameterised query; values are bound, never formatted into the SQL."""
        with self.cursor() as cursor:
            return cursor.execute(sql, list(params or [])).df()

    def has_table(self, schema: str, table: str) -> bool:
        found = self.query(
            "select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        )
        return bool(found["n"].iloc[0])

    def close(self) -> None:
        with self._changed:
            while self._readers:
                self._changed.wait()
            if self._con is not None:
                self._con.close()
                self._con = None
