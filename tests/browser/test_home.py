"""Home, Reports and Data refresh in a real browser: offline and accessible."""

from __future__ import annotations

import pytest

from registrar.common.paths import Home
from tests.support.access import browser_sign_in
from tests.support.browser import axe_violations, browser_page, wait_until_idle

pytestmark = pytest.mark.xdist_group("dashboards")


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
