"""The Contingent page in a real browser."""

from __future__ import annotations

import io

import pytest

from registrar.common.i18n import t
from registrar.common.paths import Home
from tests.support.warehouse import query as rows

# shares the served demo with the other pages' tests; signs in through the form
pytestmark = pytest.mark.xdist_group("dashboards")


def test_contingent_page_in_a_browser(served_demo: str, published_demo: Home) -> None:
    from openpyxl import load_workbook

    from tests.support.access import browser_sign_in
    from tests.support.browser import axe_violations, browser_page, wait_until_idle

    # the page opens on the data's last date (issue 23): the headcount in force on it, by faculty
    (day,) = rows(published_demo, "select extract_date from meta.refresh")[0]
    expected = rows(published_demo, "select f.name_en, count(*) from main.fct_student_status_history h "
                                    "join main.dim_faculties f using (faculty_code) where h.counts_in_headcount "
                                    "and h.valid_from <= ? and (h.valid_to is null or h.valid_to > ?) "
                                    "group by 1", [day, day])
    with browser_page() as (page, seen):
        # from the app's root, then its menu: a page opened by its own path first probes
        # <path>/_stcore/health (a 404 Streamlit logs on every page, not this one's)
        browser_sign_in(page, served_demo, "registrar", published_demo, lang="kk")
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=t("page_contingent", "kk")).click()
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
        wait_until_idle(page)
        assert page.get_by_text(t("con_heading", "kk")).count() == 1
        assert page.locator('[data-testid="stPlotlyChart"]:visible').count() == 2  # headcount, census series
        assert axe_violations(page) == []

        # a tab's content runs when it is opened (issue 23 point 15): a click reruns the page for it
        page.get_by_role("tab", name=t("con_tab_movements", "kk")).click()
        page.wait_for_selector("g.sankey", timeout=30_000)
        wait_until_idle(page)
        assert page.locator('[data-testid="stPlotlyChart"]:visible .main-svg').count() >= 2
        assert "con_tab=movements" in page.url  # the open tab is kept in the address
        for tab in ("con_tab_retention", "con_tab_funding"):
            page.get_by_role("tab", name=t(tab, "kk")).click()
            wait_until_idle(page)
            page.wait_for_selector('[data-testid="stPlotlyChart"]:visible .main-svg', timeout=30_000)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 1  # no chart of a tab not open
        assert axe_violations(page) == []

        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
        page.get_by_role("option", name="English").click()
        page.get_by_text(t("con_heading", "en")).wait_for(timeout=30_000)
        wait_until_idle(page)
        assert page.get_by_role("tab", name=t("con_tab_funding", "en")).get_attribute("aria-selected") == "true"
        page.get_by_role("tab", name=t("con_tab_headcount", "en")).click()
        wait_until_idle(page)
        with page.expect_download() as download:
            page.get_by_role("button", name=t("download_xlsx", "en")).first.click()
        sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
        assert not seen.console_errors, seen.console_errors
        assert not seen.external_requests, seen.external_requests

    values = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header = values.index((t("con_dim_faculty", "en"), t("con_headcount", "en"), t("con_not_counted", "en")))
    assert sorted((name, n) for name, n, _ in values[header + 1:] if name) == sorted(expected)
