"""The load test's driver (bench/load.py) kept working, tiny: 3 signed-in sessions on the mini
university over Streamlit's websocket, each loading Home and Data refresh, while another
warehouse is published in the middle (a rollback to a kept copy whose refresh time differs, so
that the publish shows on both pages). No timing is asserted: the figures are bench/README.md's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from bench import load
from extract.load import sha256_of
from registrar.common.paths import WAREHOUSE_NAME, Home
from registrar.pipeline import history

pytestmark = pytest.mark.xdist_group("load")


def home_with_an_older_run(published_mini: Home, tmp_path: Path) -> tuple[Home, str]:
    """A copy of the mini home with a second kept run: the served warehouse refreshed a day earlier."""
    home = Home(tmp_path / "home")
    shutil.copytree(published_mini.root, home.root, symlinks=True)
    # other tests run failing refreshes into the shared mini home on purpose (the published warehouse
    # keeps serving); its Data refresh page then shows that failure, which the driver counts as an error
    for left_by_others in ("last_refresh.json", "quality_report.json", "refresh_status.json",
                           "refresh_started.json"):
        (home.root / left_by_others).unlink(missing_ok=True)
    current = history.current_record(home)
    assert current is not None
    older = f"{current.run_id[:-1]}0-older"
    folder = home.published / older
    shutil.copytree(home.published / current.run_id, folder)
    con = duckdb.connect(str(folder / WAREHOUSE_NAME))
    con.execute("update meta.refresh set refreshed_at = refreshed_at - interval 1 day")
    con.close()
    record = json.loads((folder / history.RECORD).read_text(encoding="utf-8"))
    record.update(run_id=older, sha256=sha256_of(folder / WAREHOUSE_NAME))
    (folder / history.RECORD).write_text(json.dumps(record), encoding="utf-8")
    return home, older


def test_load_driver_on_the_mini_university(published_mini: Home, tmp_path: Path) -> None:
    """As deployed: two server processes behind the shipped nginx site (TLS, the route cookie), so the
    sign-in's hand-over, the session cookie and the publish are seen through the proxy by both."""
    home, older = home_with_an_older_run(published_mini, tmp_path)
    plan = load.Plan(sessions=3, loads=2, after_publish=2, think=0.1, max_seconds=240, refresh_after=0.5, ramp=1,
                     pages=("home", "status"), processes=2)
    result, saved = load.run_load(home, load.registrar_command("rollback", older), plan, {"students": 4},
                                  tmp_path / "results", say=lambda _m: None)
    summary = result["summary"]
    assert load.passed(summary), json.dumps({k: summary[k] for k in ("errors", "session_failures", "mixed",
                                                                    "refresh")}, indent=1)
    assert summary["sessions_cut_by_time_cap"] == 0
    assert summary["sign_in"]["runs"] == 3 and summary["runs_total"] >= 3 * 2
    # each session followed the hand-over and holds the session cookie, as a browser does: without
    # it a websocket session is signed out a minute after signing in (dashboards/auth.py)
    assert summary["sessions_with_cookie"] == 3
    assert {r["role"] for r in result["runs"]} == {"registrar", "management", "dean"}
    # the publish came in the middle: runs before it and runs begun after it, by every session
    published = summary["refresh"]["published_at"]
    assert summary["phases"]["before"]["runs"] and summary["phases"]["after"]["runs"]
    assert {r["session"] for r in result["runs"] if r["started"] >= published} == {0, 1, 2}
    # each page showed its figures, and the publish changed them where the refresh time shows
    assert all(r["figures"] for r in result["runs"])
    changed = summary["figures_changed_by_publish"]
    assert changed and all(changed.values()), changed
    assert summary["server"]["peak_rss_bytes"] > 50 * 2**20
    assert saved is not None and saved.with_suffix(".md").read_text(encoding="utf-8").startswith("Load run")
