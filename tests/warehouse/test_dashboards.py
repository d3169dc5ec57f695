"""The dashboards on a real published warehouse: Streamlit's AppTest for the page logic,
and the real server in Debian's Chromium (Playwright) for what a registrar sees."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from registrar.common.paths import PROJECT_DIR, Home

# AppTests run signed in as the registrar; the browser test signs in through the form (tests/support/access.py).
pytestmark = [pytest.mark.xdist_group("mini_refresh"), pytest.mark.usefixtures("dashboard_as_registrar")]
APP = str(PROJECT_DIR / "dashboards" / "app.py")


def test_status_page_shows_the_last_refresh(published_mini: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(published_mini.root))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/status.py").run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["Өтпеген тексерулер"] == "0"  # checks failed, in Kazakh by default
    at.sidebar.selectbox[0].set_value("en").run()
    labels = {m.label: m.value for m in at.metric}
    assert labels["Checks failed"] == "0"
    assert int(labels["Checks passed"].replace(",", "")) > 50


def test_status_page_without_a_warehouse_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/status.py").run()
    assert not at.exception
    assert "registrar refresh" in at.info[0].value


def test_only_checks_that_did_not_pass_name_a_failures_table(published_mini: Home) -> None:
    """The refresh stores the rows of a test that warned or failed (test_quality_tiers reads them back);
    a passing test names no table, and a name that is no table is refused before it reaches SQL."""
    from dashboards.data import Warehouse, failing_rows, quality_checks

    wh = Warehouse(published_mini.warehouse)
    try:
        checks = quality_checks(wh)
        tests = checks[checks["source"] == "dbt_test"]
        assert len(tests) > 300 and set(tests["status"]) == {"pass"}
        assert set(tests["failures_table"].fillna("")) == {""}
        assert failing_rows(wh, "test_failures.assert_contingent_periods_do_not_overlap").empty
        with pytest.raises(ValueError):
            failing_rows(wh, 'main.x"; drop table main.fct_grades; --')
    finally:
        wh.close()


def test_checks_of_a_warehouse_published_before_a_report_column_existed_still_show(tmp_path: Path) -> None:
    from dashboards.data import QUALITY_COLUMNS, Warehouse, quality_checks

    older = {"name": "assert_contingent_periods_do_not_overlap", "source": "dbt_test", "tier": "integrity",
             "severity": "error", "status": "pass", "message": ""}  # a report without the later columns
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema meta")
    con.execute(f"create table meta.quality_checks ({', '.join(f'{c} varchar' for c in older)})")
    con.execute(f"insert into meta.quality_checks values ({', '.join('?' for _ in older)})", list(older.values()))
    con.close()
    wh = Warehouse(path)
    try:
        checks = quality_checks(wh)
    finally:
        wh.close()
    assert list(checks.columns) == QUALITY_COLUMNS
    assert checks.iloc[0][list(older)].to_dict() == older
    assert checks.iloc[0][["seed", "unknown_codes"]].isna().all()
