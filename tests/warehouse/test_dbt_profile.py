"""dbt as a refresh runs it: DuckDB holds the memory limit the refresh gives it (profiles.yml sets it once, as a
config option), and dbt's file log keeps what ran without every statement (registrar/pipeline/dbt.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
