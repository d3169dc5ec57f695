"""A viewer's pages give no suppressed number back (issue 21 finding 1, rules B30): the viewer chooses
only a census date or a session and a dimension, each a table of rpt_viewer_contingent or
rpt_viewer_attestation as published; every combination they can choose, read through the page's own
queries, is put into one linear system per date or session (each shown number = the sum of the true
cells it counts), and no hidden value is in its row space (registrar/access/privacy.py `recovered`).
On the mini university (built by the fixtures) and on the shared demo, whose faculties are big enough
for small cells among large ones; with the complementary suppression of the macro removed, the demo
check finds 32 headcounts and 75 attestation counts (the check fails, as it should)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.queries import attestation, contingent
from registrar.access.privacy import Measure, recovered
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.access import signed_in

pytestmark = pytest.mark.xdist_group("dashboards")

APP = str(PROJECT_DIR / "dashboards" / "app.py")
HEADCOUNT = [Measure("headcount", ("n",), "is_hidden")]
# the classes a result falls in; each published count sums some of them
RESULTS = [Measure("n_graded", ("quality", "passed_other", "not_passed"), "graded_hidden"),
           Measure("success_rate", ("quality", "passed_other"), "passed_hidden"),
           Measure("quality_rate", ("quality",), "quality_hidden")]


def everything_a_viewer_can_choose() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every table the viewer's Contingent and Attestation pages can show, as their queries return them."""
    heads = [contingent.viewer_headcount(day, dim, "en").assign(snapshot_date=day, dimension=dim)
             for day in contingent.viewer_dates() for dim in contingent.viewer_dimensions()]
    sessions = attestation.viewer_sessions("en")
    results = [attestation.viewer_results(y, tm, dim, "en").assign(academic_year=y, term=tm, dimension=dim)
               for y, tm in zip(sessions["academic_year"], sessions["term"], strict=True)
               for dim in attestation.viewer_dimensions()]
    return pd.concat(heads, ignore_index=True), pd.concat(results, ignore_index=True)


def check(home: Home, monkeypatch: pytest.MonkeyPatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    heads, results = everything_a_viewer_can_choose()
    # a number shown is a number: a hidden one is blank, and a rate is blank wherever its count is
    assert (heads["headcount"].isna() == heads["is_hidden"]).all()
    assert (results["n_graded"].isna() == results["graded_hidden"]).all()
    shown_rate = results["success_rate"].notna() | results["quality_rate"].notna()
    assert not (shown_rate & results["graded_hidden"]).any()
    assert (results["graded_hidden"] <= results["passed_hidden"]).all()
    assert (results["passed_hidden"] <= results["quality_hidden"]).all()
    assert recovered(heads, ["snapshot_date"], HEADCOUNT) == []
    assert recovered(results, ["academic_year", "term"], RESULTS) == []
    return heads, results


def test_no_number_hidden_from_a_viewer_of_the_mini_university_follows_from_what_is_shown(
        published_mini: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    heads, results = check(published_mini, monkeypatch)
    assert heads["is_hidden"].any() and results["graded_hidden"].any()  # the mini's few students are hidden


def test_no_number_hidden_from_a_viewer_of_the_demo_follows_from_what_is_shown(
        published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    heads, results = check(published_demo, monkeypatch)
    inner = heads["faculty_code"].notna() & heads["value_code"].notna()
    # small cells among large ones: some hidden, most shown
    assert 0 < heads.loc[inner, "is_hidden"].mean() < 0.5
    assert results["passed_hidden"].any() and not results["passed_hidden"].all()


def test_a_viewers_pages_offer_only_the_published_tables(published_demo: Home, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    home = Home(tmp_path / "home")
    home.root.mkdir()
    shutil.copy(published_demo.warehouse, home.warehouse)
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    at = signed_in(AppTest.from_file(APP, default_timeout=60), "viewer", home)
    at.session_state["lang"] = "en"
    at.switch_page("views/contingent.py").run()
    assert not at.exception
    assert [s.key for s in at.main.selectbox] == ["con_viewer_date", "con_viewer_dimension"]
    assert not at.date_input and not at.main.radio
    assert len(at.selectbox(key="con_viewer_date").options) == len(contingent.viewer_dates())
    assert {b.key for b in at.get("download_button")} == {"con_viewer_xlsx", "con_viewer_csv"}
    at.switch_page("views/attestation.py").run()
    assert not at.exception
    assert [s.key for s in at.main.selectbox] == ["att_viewer_session", "att_viewer_dimension"]
    assert {b.key for b in at.get("download_button")} == {"att_viewer_xlsx", "att_viewer_csv"}
