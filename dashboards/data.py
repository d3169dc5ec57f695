"""The one data layer of the dashboards: the queries the pages show, on the read-only
`Warehouse` of registrar.warehouse (shared with `registrar report`), which reopens the
published file after each refresh."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from registrar.paths import Home
from registrar.warehouse import FileStamp, Warehouse

__all__ = ["FileStamp", "Warehouse", "failing_rows", "last_refresh", "quality_checks", "refresh_status",
           "warehouse_path"]


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
