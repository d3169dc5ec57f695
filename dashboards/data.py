"""The one data layer of the dashboards: connections, scope, caching and parameter binding.

- One read-only `Warehouse` per process and published file (`st.cache_resource`), shared by
  every session; each query takes a cursor of its own, so sessions query side by side.
- `frame(sql, params, scope)` caches each result per SQL, bound parameters and published
  file (`st.cache_data`): a new publish is a new file, so it shows without a restart, and a
  result is never taken half from the old file and half from the new one.
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from registrar.access.scope import Scope
from registrar.common.paths import Home
from registrar.common.warehouse import FileStamp, NoWarehouse, Warehouse

__all__ = ["SCOPE_KEY", "FileStamp", "NoWarehouse", "Scope", "Warehouse", "current_scope", "failing_rows",
           "frame", "last_refresh", "published", "quality_checks", "refresh_status", "warehouse",
           "warehouse_path"]


def warehouse_path() -> Path:
    return Home.from_env().warehouse


@st.cache_resource(show_spinner=False)
def _warehouse(path: str) -> Warehouse:
    return Warehouse(Path(path))


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


@st.cache_data(show_spinner=False, max_entries=4096)
def _cached(path: str, stamp: tuple[int, int], sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    with _warehouse(path).reading() as (cursor, used):
        if (used.inode, used.mtime_ns) != stamp:
            raise _FileChanged
        return cursor.execute(sql, list(params)).df()


_measuring = False  # set by bench.latency: every query runs on the warehouse, none from the cache


def frame(sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """The rows of one parameterised query on the published warehouse, cached per published file.
    Values are bound, never formatted into the SQL. Raises NoWarehouse before the first publish."""
    path = str(warehouse_path())
    if _measuring:
        return warehouse().query(sql, tuple(params))
    for _ in range(3):
        try:
            return _cached(path, _stamp(path), sql, tuple(params))
        except _FileChanged:
            continue  # published this instant: read the new file
    return _cached(path, _stamp(path), sql, tuple(params))


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
