"""The Attestation page in a real browser: charts offline, language switch, downloads."""

from __future__ import annotations

from typing import Any

import pytest

from registrar.common.i18n import t
from registrar.common.paths import Home
from tests.support.warehouse import latest_session, query

# shares the served demo with the other pages' tests; signs in through the form
pytestmark = pytest.mark.xdist_group("dashboards")


def _weakest_disciplines(home: Home) -> list[str]:
    """The page's default ranking, computed here from the mart: the ten lowest success rates of the
    latest session among disciplines of at least small_cell_min() students."""
    from dashboards.ui import small_cell_min

    year, term = latest_session(home)
    return [r[0] for r in query(home, """
        select coalesce(d.name_kk || ' (' || b.discipline_code || ')', b.discipline_code) as label
        from main.fct_attestation_breakdown b left join main.dim_disciplines d using (discipline_code)
        where b.academic_year = ? and b.term = ?
        group by all having sum(b.n_graded) >= ?
        order by sum(b.n_passed) / sum(b.n_graded), sum(b.n_graded) desc, label collate kk limit 10""",
                                     [year, term, small_cell_min()])]


def test_browser_shows_charts_offline_switches_language_and_downloads_the_rows(
        served_demo: str, published_demo: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import openpyxl

    from tests.support.access import browser_sign_in
    from tests.support.browser import axe_violations, browser_page, wait_until_idle

    def open_in_browser(page: Any, base: str, url_path: str, lang: str, ready: str) -> None:
        browser_sign_in(page, base, "registrar", published_demo, url_path=url_path, lang=lang)  # a new session
        page.wait_for_selector(ready, timeout=60_000)
        wait_until_idle(page)

    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    with browser_page() as (page, seen):
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        open_in_browser(page, served_demo, "attestation", "kk", ready='[data-testid="stPlotlyChart"]')
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3
        assert t("att_success", "kk") in page.inner_text("body")
        assert axe_violations(page) == []
        # the first table's XLSX (the weakest disciplines) holds the rows the page shows
        with page.expect_download() as download:
            page.get_by_role("button", name=t("download_xlsx", "kk")).first.click()
        path = tmp_path / "weakest.xlsx"
        download.value.save_as(path)
        # the same browser, another language: still signed in (the session cookie), no form again
        page.goto(f"{served_demo}/attestation?lang=en")
        page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=60_000)
        wait_until_idle(page)
        body = page.inner_text("body")
        assert t("att_success", "en") in body and t("att_success", "kk") not in body
    # Streamlit's own frontend probes <page>/_stcore/health and host-config (404) when a page is opened by
    # its address, on every page; any other failed request or console error is the page's
    assert all("/_stcore/" in url for url in failed), failed
    assert [e for e in seen.console_errors if not e.startswith("Failed to load resource")] == []
    assert seen.external_requests == []

    sheet = openpyxl.load_workbook(path).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == t("att_discipline", "kk"))
    names = [r[0] for r in rows[header + 1:] if r and r[0]]
    expected = _weakest_disciplines(published_demo)
    assert names == expected
