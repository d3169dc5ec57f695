"""The Home page on the small demo: its numbers are the marts' in each language, and in the
browser Home, Reports and Data refresh render offline, without console errors or critical
accessibility violations."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.ui import fmt_int
from registrar.i18n import t
from registrar.paths import PROJECT_DIR, Home
from tests.access import browser_sign_in
from tests.browser import axe_violations, browser_page, wait_until_idle

pytestmark = [pytest.mark.xdist_group("dashboards"), pytest.mark.usefixtures("dashboard_as_registrar")]
APP = str(PROJECT_DIR / "dashboards" / "app.py")


def expected(home: Home) -> dict[str, int]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        students, studying = con.execute(
            "select count(*), count(*) filter (where st.is_studying) from main.dim_students s "
            "join reference.contingent_statuses st on st.status = s.status").fetchone()
        terms, faculties = con.execute(
            "select (select count(distinct academic_year || '/' || term) from main.fct_attestation_results), "
            "(select count(distinct faculty_code) from main.dim_students)").fetchone()
    return {"home_students": students, "home_studying": studying, "home_terms": terms, "home_faculties": faculties}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_shows_what_the_warehouse_holds(published_demo: Home, monkeypatch: pytest.MonkeyPatch,
                                             lang: str) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    for key, value in expected(published_demo).items():
        assert shown[t(key, lang)] == fmt_int(value, lang), key
    assert shown[t("checks_passed", lang)] != "0"
    assert t("home_pages", lang) in [s.value for s in at.subheader]


def test_home_reports_and_refresh_pages_render_offline_and_accessibly(served_demo: str,
                                                                     published_demo: Home) -> None:
    with browser_page() as (page, seen):
        browser_sign_in(page, served_demo, "registrar", published_demo, lang="en")
        wait_until_idle(page)
        body = page.inner_text("body")
        assert "What the warehouse holds" in body
        problems = {"home": axe_violations(page)}
        # Data refresh is ready once its chart of the checks is drawn (it fails here if it never is)
        pages = (("reports", '[data-testid="stSelectbox"]'), ("status", '[data-testid="stPlotlyChart"]'))
        for url_path, ready in pages:
            page.click(f'[data-testid="stSidebarNav"] a[href$="/{url_path}"]')
            page.wait_for_selector(ready, timeout=60_000)
            wait_until_idle(page)
            problems[url_path] = axe_violations(page)
    assert all(not found for found in problems.values()), problems
    assert not seen.external_requests, seen.external_requests
    assert not seen.console_errors, seen.console_errors
