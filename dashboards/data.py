"""The one data layer of the dashboards: connections, scope, caching and parameter binding.

- One read-only `Warehouse` per process and published file, shared by every session; each query
  takes a cursor of its own, so sessions query side by side.
- `frame(sql, params, scope)` caches each result per SQL, bound parameters and published
  file (`QueryCache`): a new publish is a new file, so it shows without a restart, and a
  result is never taken half from the old file and half from the new one. The cache is bounded
  (settings `query_cache_max_entries`, `query_cache_max_megabytes`; the least recently read
  go first) and is this module's own, not one of Streamlit's: Streamlit empties its caches
  (`st.cache_data`, `st.cache_resource`) for everyone when any client sends its "clear cache"
  message, which a client may do at will (issue 21 finding 6).
- `Scope` (registrar/access/scope.py) is what the signed-in user may see (`current_scope()`,
  set at sign-in by dashboards/auth.py from the user's role); every query module filters by it through
  `Scope.faculty_filter`, `student_filter` and `personal`, so a page never decides that itself.
  The scope's filters are SQL and bound values, so results are cached per scope too.
Pages never hold SQL: the queries of each page live in `dashboards/queries/`.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from policy import settings
from registrar.access.scope import Scope
from registrar.common.paths import Home
from registrar.common.warehouse import FileStamp, NoWarehouse, Warehouse

__all__ = ["SCOPE_KEY", "FileStamp", "NoWarehouse", "QueryCache", "Scope", "Warehouse", "current_scope",
           "failing_rows",
           "frame", "last_refresh", "published", "quality_checks", "refresh_status", "warehouse",
           "warehouse_path"]


def warehouse_path() -> Path:
    return Home.from_env().warehouse


_WAREHOUSES: dict[str, Warehouse] = {}
_WAREHOUSES_LOCK = threading.Lock()


def _warehouse(path: str) -> Warehouse:
    """The one reader of the file at `path` in this process (kept here, not in Streamlit's
    `st.cache_resource`, which a client's "clear cache" message empties)."""
    with _WAREHOUSES_LOCK:
        found = _WAREHOUSES.get(path)
        if found is None:
            found = _WAREHOUSES[path] = Warehouse(Path(path))
        return found


def warehouse() -> Warehouse:
    """The process's one reader of the published warehouse under $REGISTRAR_HOME."""
    return _warehouse(str(warehouse_path()))


def published() -> bool:
    """Whether a warehouse has been published yet."""
    return warehouse().available


SCOPE_KEY = "_registrar_scope"  # set by dashboards/auth.py for the signed-in user; never a widget key


def current_scope() -> Scope:
    """The scope of this session's signed-in user (set by dashboards/auth.py on every run); a
    session nobody signed in to sees nothing."""
    found = st.session_state.get(SCOPE_KEY)
    return found if isinstance(found, Scope) else Scope.nothing()


class _FileChanged(RuntimeError):
    """The file was republished between reading its stamp and running the query."""


def _stamp(path: str) -> tuple[int, int]:
    try:
        st_ = os.stat(path)
    except FileNotFoundError as missing:
        raise NoWarehouse(f"no published warehouse at {path}; run `registrar refresh`") from missing
    return st_.st_ino, st_.st_mtime_ns


class QueryCache:
    """Query results in memory, shared by every session: at most `max_entries` of them and at most
    `max_bytes` (pandas' deep memory usage) together; reading one makes it the most recent, and
    the least recently read go first. A result larger than `max_bytes` is not kept. Each read
    gives a copy, so a page that changes its frame never changes the cached one. Thread-safe."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[pd.DataFrame, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @classmethod
    def configured(cls) -> QueryCache:
        """Bounded by settings.yml (rules B30)."""
        found = settings()
        return cls(int(found.get("query_cache_max_entries", 4096)),
                   int(float(found.get("query_cache_max_megabytes", 256)) * 1024 * 1024))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: Hashable) -> pd.DataFrame | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0].copy()

    def put(self, key: Hashable, value: pd.DataFrame) -> None:
        size = int(value.memory_usage(index=True, deep=True).sum())
        if size > self.max_bytes or self.max_entries < 1:
            return
        kept = value.copy()
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (kept, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def drop(self, keep: Callable[[Hashable], bool]) -> None:
        """Forget every result whose key `keep` refuses (e.g. those of a replaced file)."""
        with self._lock:
            for key in [k for k in self._entries if not keep(k)]:
                self._bytes -= self._entries.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


_CACHE = QueryCache.configured()
_CACHED_STAMPS: dict[str, tuple[int, int]] = {}  # the stamp of each path the cache holds results of


_RUNNING: dict[Hashable, threading.Lock] = {}  # a lock per query being run now, by cache key
_RUNNING_LOCK = threading.Lock()


def _cached(path: str, stamp: tuple[int, int], sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    key = (path, stamp, sql, params)
    found = _CACHE.get(key)
    if found is not None:
        return found
    # The same query asked by many sessions at once (after a publish, or as people sign in in the
    # morning) runs once; the others wait for its result instead of each running it again.
    with _RUNNING_LOCK:
        running = _RUNNING.setdefault(key, threading.Lock())
    with running:
        found = _CACHE.get(key)
        if found is not None:
            return found
        try:
            with _warehouse(path).reading() as (cursor, used):
                if (used.inode, used.mtime_ns) != stamp:
                    raise _FileChanged
                result = cursor.execute(sql, list(params)).df()
            if _CACHED_STAMPS.get(path) != stamp:  # republished: the old file's results are of no more use
                _CACHED_STAMPS[path] = stamp
                _CACHE.drop(lambda k: not (isinstance(k, tuple) and k[0] == path and k[1] != stamp))
            _CACHE.put(key, result)
        finally:
            with _RUNNING_LOCK:
                _RUNNING.pop(key, None)
    return result


_measuring = False  # set by bench.latency: every query runs on the warehouse, none from the cache


def frame(sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """The rows of one parameterised query on the published warehouse, cached per published file.
    Values are bound, never formatted into the SQL. Raises NoWarehouse before the first publish."""
    if _measuring:
        return warehouse().query(sql, tuple(params))
    return _frame_of(str(warehouse_path()), sql, params)


def _frame_of(path: str, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """`frame` on the warehouse file at `path`."""
    for _ in range(3):
        try:
            return _cached(path, _stamp(path), sql, tuple(params))
        except _FileChanged:
            continue  # published this instant: read the new file
    return _cached(path, _stamp(path), sql, tuple(params))


def _query(wh: Warehouse, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """A query on `wh`'s file, cached per published file as `frame`'s are (Home and Data refresh
    ask these on every run of every session)."""
    return wh.query(sql, tuple(params)) if _measuring else _frame_of(str(wh.path), sql, params)


def _has_table(wh: Warehouse, schema: str, table: str) -> bool:
    found = _query(wh, "select count(*) as n from information_schema.tables where table_schema = ? "
                       "and table_name = ?", (schema, table))
    return bool(found["n"].iloc[0])


def refresh_status(wh: Warehouse) -> dict[str, Any] | None:
    """When the published warehouse was built, from what, and its checks' tally."""
    if not wh.available or not _has_table(wh, "meta", "refresh"):
        return None
    row = _query(wh, "select run_id, refreshed_at, extract_dir, row_counts from meta.refresh").iloc[0].to_dict()
    if _has_table(wh, "meta", "quality_checks"):
        tally = _query(wh, "select status, count(*) as n from meta.quality_checks group by status")
        row["checks"] = dict(zip(tally["status"], tally["n"], strict=True))
    return row


QUALITY_COLUMNS = ["name", "source", "tier", "severity", "status", "message", "failing_rows", "failing_keys",
                   "failures_table", "failing_sample", "guidance", "seed", "unknown_codes"]
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


def quality_checks(wh: Warehouse) -> pd.DataFrame:
    """Every check of the published build, problems first."""
    if not wh.available or not _has_table(wh, "meta", "quality_checks"):
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    stored = set(_query(wh, "select column_name from information_schema.columns "
                            "where table_schema = 'meta' and table_name = 'quality_checks'")["column_name"])
    # a warehouse published before a column existed shows it empty until its next refresh
    columns = [c if c in stored else f"null as {c}" for c in QUALITY_COLUMNS]
    return _query(wh, 
        f"select {', '.join(columns)} from meta.quality_checks "
        "order by case status when 'fail' then 0 when 'warn' then 1 else 2 end, source, tier, name"
    )


def failing_rows(wh: Warehouse, failures_table: str, limit: int = 10_000) -> pd.DataFrame:
    """All rows a dbt test stored as failing (schema.table named by meta.quality_checks)."""
    if not _TABLE_NAME.match(failures_table):
        raise ValueError(f"not a failures table: {failures_table!r}")
    schema, table = failures_table.split(".")
    if not _has_table(wh, schema, table):
        return pd.DataFrame()
    return _query(wh, f'select * from "{schema}"."{table}" limit ?', [limit])


def last_refresh(path: Path | None = None) -> dict[str, Any] | None:
    """The latest refresh as the pipeline recorded it (published or failed), or None."""
    path = path or Home.from_env().last_refresh
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None  # none yet, or being replaced this instant: the next rerun reads it
