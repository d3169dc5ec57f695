"""dbt as a refresh runs it: DuckDB holds the memory limit the refresh gives it (profiles.yml sets it once, as a
config option), and dbt's file log keeps what ran without every statement (registrar/pipeline/dbt.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from registrar.pipeline.dbt import start_dbt
from registrar.pipeline.dbt_launch import READY
from registrar.pipeline.refresh import build_memory_limit
from tests.support.dbt_run import run_dbt_as_a_refresh

pytestmark = pytest.mark.xdist_group("mini_refresh")


def test_dbt_runs_with_the_refreshs_memory_limit_and_an_info_file_log(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGISTRAR_DUCKDB_MEMORY_LIMIT", raising=False)  # the refresh's own limit, not an override
    result = run_dbt_as_a_refresh(
        ["show", "--inline", "select current_setting('memory_limit') as memory_limit_in_force"], tmp_path)
    assert result.ok
    log = (tmp_path / "dbt_logs" / "dbt.log").read_text(encoding="utf-8")
    # DuckDB prints 3GiB as "3.0 GiB"; without the limit it would hold 80 % of the machine
    gib = build_memory_limit(0).removesuffix("GiB")
    assert f"| {gib}.0 GiB " in log
    assert "[info ]" in log
    assert "[debug]" not in log


def test_dbt_started_early_parses_without_the_warehouse_and_runs_once_told(tmp_path: Path) -> None:
    """start_dbt parses while the refresh still loads (registrar/pipeline/dbt_launch.py): the parse opens no
    database, so a warehouse another connection holds (as the load does) stops nothing; told to run, dbt opens it.
    Stopped instead, it ends without opening it."""
    database = tmp_path / "warehouse.duckdb"
    held = duckdb.connect(str(database))  # the load's connection: another process cannot open the file now
    held.execute("create table answer as select 42 as n")
    early = start_dbt(["show", "--inline", "select n * 2 as doubled from answer"], database, tmp_path,
                      parse_cache=tmp_path / "dbt_partial_parse.msgpack", memory_limit=build_memory_limit(0))
    assert early.proc.stdout is not None
    parsed = []
    for line in early.proc.stdout:
        parsed.append(line)
        if line.strip() == READY:
            break
    assert parsed[-1].strip() == READY, "".join(parsed)
    assert not any("Error" in line for line in parsed), "".join(parsed)
    held.close()  # the load is done
    shown: list[str] = []
    result = early.run(shown.append)
    assert result.ok, shown
    log = (tmp_path / "dbt_logs" / "dbt.log").read_text(encoding="utf-8")
    assert "|      84 |" in log

    stopped = start_dbt(["show", "--inline", "select 1"], tmp_path / "never.duckdb", tmp_path / "stopped")
    stopped.stop()
    assert stopped.proc.returncode != 0
    assert not (tmp_path / "never.duckdb").exists()
