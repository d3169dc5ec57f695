"""The Lists page in a real browser, as a dean: a list of their faculty on screen and to download."""

from __future__ import annotations

import pytest

from registrar.common.i18n import t
from registrar.common.paths import Home
from tests.support.access import accounts
from tests.support.warehouse import query as rows

# shares the served demo with the other pages' tests; signs in through the form
pytestmark = pytest.mark.xdist_group("dashboards")


def test_a_dean_opens_a_list_of_their_faculty(served_demo: str, published_demo: Home) -> None:
    from tests.support.access import browser_sign_in
    from tests.support.browser import assert_no_exception, browser_page, wait_until_idle

    dean = accounts(published_demo)["dean"][0]
    (day,) = rows(published_demo, "select extract_date from meta.refresh")[0]
    marks = ",".join("?" * len(dean.faculties))
    away = rows(published_demo, "select count(*) from main.rpt_leave_and_mobility where started_on <= ? and "
                                f"(ended_on is null or ended_on > ?) and faculty_code in ({marks})",  # noqa: S608
                [day, day, *dean.faculties])[0][0]
    with browser_page() as (page, seen):
        browser_sign_in(page, served_demo, "dean", published_demo, lang="en")
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=t("page_lists", "en")).click()
        page.get_by_text(t("lists_page_heading", "en")).wait_for(timeout=60_000)
        wait_until_idle(page)
        page.get_by_role("button", name=t("lists_page_show", "en")).click()
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
        wait_until_idle(page)
        assert_no_exception(page)
        assert page.get_by_text(t("lists_page_rows", "en", n=away)).count() >= 1
        assert page.get_by_text(t("lists_page_scoped", "en")).count() == 1
        with page.expect_download() as download:
            page.get_by_role("button", name=t("reports_download", "en", fmt="CSV")).click()
        assert download.value.suggested_filename.endswith(".csv")
        assert not seen.console_errors, seen.console_errors
        assert not seen.external_requests, seen.external_requests
