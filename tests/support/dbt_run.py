"""dbt run in a test as a refresh runs it: the same profile and dbt's kept parse of this checkout."""

from __future__ import annotations

from pathlib import Path

from registrar.common.paths import WAREHOUSE_NAME
from registrar.pipeline.dbt import DbtResult, run_dbt
from registrar.pipeline.refresh import build_memory_limit
from tests.support.extracts import quiet


def run_dbt_as_a_refresh(command: list[str], run_dir: Path) -> DbtResult:
    """`dbt <command>` on `run_dir`/warehouse.duckdb (which may not exist yet) with the profile a refresh of
    small extracts gives dbt (the warehouse's basename, the memory limit of build_memory_limit) and the
    parse the refreshes keep (registrar.pipeline.dbt.SHARED_PARSE_CACHE): dbt then parses only what changed
    since, not the whole project again (some 10 s of CPU). dbt parses everything again when a file, a var,
    the profile or dbt differs, so the parse is never stale."""
    return run_dbt(command, run_dir / WAREHOUSE_NAME, run_dir, quiet, parse_cache=run_dir / "dbt_partial_parse.msgpack",
                   memory_limit=build_memory_limit(0))
