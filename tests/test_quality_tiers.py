"""The dbt tests in their three tiers, and what a registrar sees when one stops a refresh:
the refresh fails, the last good warehouse keeps serving, and the registrar page names the
check, its tier, how to resolve it and the failing rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from registrar.paths import PROJECT_DIR, Home
from registrar.pipeline import RefreshFailed, refresh
from tests.conftest import MINI, edit_csv, file_digest, quiet

TIERS = ("configuration", "integrity", "values")
SINGULAR = PROJECT_DIR / "tests" / "dbt"
APP = str(PROJECT_DIR / "dashboards" / "app.py")


def test_every_dbt_data_test_of_a_build_is_in_exactly_one_tier(published_mini: Home) -> None:
    con = duckdb.connect(str(published_mini.warehouse), read_only=True)
    try:
        rows = con.execute("select tier, count(*) from meta.quality_checks where source = 'dbt_test' "
                           "group by tier").fetchall()
        n_unit = con.execute("select count(*) from meta.quality_checks where source = 'dbt_unit_test'").fetchone()
    finally:
        con.close()
    per_tier = dict(rows)
    assert set(per_tier) == set(TIERS), per_tier  # no test without a tier, and none of them empty
    assert per_tier["configuration"] >= 15 and per_tier["values"] >= 20 and per_tier["integrity"] >= 100
    assert n_unit is not None and n_unit[0] >= 30


def test_singular_tests_sit_in_a_tier_folder_and_say_what_when_and_how_to_resolve() -> None:
    files = sorted(SINGULAR.rglob("*.sql"))
    assert len(files) >= 12
    for path in files:
        assert path.parent.name in TIERS, f"{path}: not under tests/dbt/<tier>/"
        head = path.read_text(encoding="utf-8").splitlines()[:3]
        assert [line.split(":", 1)[0] for line in head] == ["-- Checks", "-- Matters", "-- Resolve"], path
        assert all(len(line.split(":", 1)[1].strip()) > 20 for line in head), path


def test_a_reason_code_the_seed_lacks_stops_the_refresh_and_the_registrar_sees_where(
    tmp_path: Path, published_mini: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the registrar's home: a copy of a published one, so the failed refresh has something to keep serving
    home = Home(tmp_path / "home")
    home.root.mkdir()
    for name in ("warehouse.duckdb", "quality_report.json", "last_refresh.json"):
        shutil.copy2(published_mini.root / name, home.root / name)
    served = file_digest(home.warehouse)
    extracts = tmp_path / "extracts"
    shutil.copytree(MINI, extracts)
    # order 230-С expels S0003 for a reason the AIS gained but seeds/movement_reasons.csv does not list
    edit_csv(extracts / "orders.csv",
             lambda rows: [r[:5] + ["relocation"] + r[6:] if r[0] == "230-С" else r for r in rows])

    with pytest.raises(RefreshFailed) as failed:
        refresh(extracts, home, quiet)

    assert failed.value.step == "dbt build"
    assert "assert_contingent_movement_reasons_cover_orders" in failed.value.report
    assert file_digest(home.warehouse) == served
    last = json.loads(home.last_refresh.read_text(encoding="utf-8"))
    assert last["outcome"] == "failed" and last["failed_step"] == "dbt build"
    check = next(c for c in last["failing_checks"] if c["name"] == "assert_contingent_movement_reasons_cover_orders")
    assert check["tier"] == "configuration" and check["status"] == "fail"
    assert check["failing_sample"] == [
        {"movement": "expulsion", "reason": "relocation", "n_orders": 1, "first_order_no": "230-С"}]
    assert check["guidance"].startswith("Checks: every (movement, reason) pair")

    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    at.sidebar.selectbox[0].set_value("en").run()
    assert not at.exception
    assert "failed at step “dbt build” and published nothing" in at.error[0].value
    assert any("still show the last good warehouse" in c.value for c in at.caption)
    assert any("Resolve: add the reason" in i.value for i in at.info)
    shown = [df.value for df in at.dataframe]
    assert any("relocation" in set(map(str, frame.get("reason", []))) for frame in shown)
    assert any("Configuration (seeds cover the codes)" in set(frame.get("Tier", [])) for frame in shown)
