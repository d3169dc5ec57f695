"""The dbt unit tests (given rows -> expected rows for each business rule) run here, in the test
suite, rather than on every refresh: they check the models' code, which only changes with a
commit, not the data. The refresh builds with `--exclude test_type:unit` and still runs every
data test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from registrar.common.paths import WAREHOUSE_NAME, Home
from registrar.pipeline.refresh import BUILD_SELECTION
from tests.support.dbt_run import run_dbt_as_a_refresh

pytestmark = pytest.mark.xdist_group("mini_refresh")


def test_every_dbt_unit_test_passes(published_mini: Home, tmp_path: Path) -> None:
    # unit tests read the columns of their models' inputs from a built warehouse: a copy of one
    shutil.copy2(published_mini.warehouse, tmp_path / WAREHOUSE_NAME)
    result = run_dbt_as_a_refresh(["test", "--select", "test_type:unit"], tmp_path)  # parses only what changed
    units = [r for r in result.results if str(r["unique_id"]).startswith("unit_test.")]
    assert result.ok, result.failures
    assert len(units) >= 30 and {r["status"] for r in units} == {"pass"}
    # only unit tests (and the project's on-run-end hook): the data tests ran in the refresh
    assert len(units) == len([r for r in result.results if not str(r["unique_id"]).startswith("operation.")])


def test_the_refresh_runs_every_data_test_but_no_unit_test(published_mini: Home) -> None:
    import duckdb

    assert BUILD_SELECTION == ("--exclude", "test_type:unit")
    con = duckdb.connect(str(published_mini.warehouse), read_only=True)
    try:
        sources = dict(con.execute("select source, count(*) from meta.quality_checks group by all").fetchall())
    finally:
        con.close()
    assert "dbt_unit_test" not in sources and sources["dbt_test"] >= 150
