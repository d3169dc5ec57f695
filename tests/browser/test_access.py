"""A dean signed in in a real browser sees only what the role allows."""

from __future__ import annotations

import pytest

from registrar.common.paths import Home
from tests.support.access import accounts, browser_sign_in, events, now_iso

pytestmark = pytest.mark.xdist_group("dashboards")


def test_a_dean_in_the_browser(served_demo: str, published_demo: Home) -> None:
    """Sign in as a dean: only the dean's pages and faculty; sign out; a wrong password is
    refused and counted in the audit log."""
    from tests.support.browser import browser_page, wait_until_idle

    accounts(published_demo)
    since = now_iso()
    with browser_page() as (page, seen):
        page.goto(f"{served_demo}/status?lang=en")
        page.wait_for_selector('input[type="password"]', timeout=60_000)
        wait_until_idle(page)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert page.locator('[data-testid="stMetric"]').count() == 0
        page.get_by_label("User name").fill("demo-dean")
        page.locator('input[type="password"]').fill("not-the-password")
        page.locator('[data-testid="stBaseButton-primaryFormSubmit"]').click()
        page.get_by_text("Wrong name or password.").wait_for(timeout=30_000)
        failed = [e for e in events(published_demo, since) if e["event"] == "sign_in_failed"]
        assert [(e["user"], e["params"]["failures"]) for e in failed] == [("demo-dean", 1)]

        browser_sign_in(page, served_demo, "dean", published_demo, url_path="reports")  # a forged address
        page.get_by_text("Your role may not open this page.").wait_for(timeout=30_000)
        assert page.locator('[data-testid="stSelectbox"]').count() == 1  # the language switch, no report's
        menu = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Attestation" in menu and "Student" in menu and "Reports" not in menu
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Home").click()
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        wait_until_idle(page)
        faculties = page.locator('[data-testid="stMetric"]').nth(5).inner_text()
        assert faculties.splitlines()[-1].strip() == "1"
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_selector('input[type="password"]', timeout=30_000)
        wait_until_idle(page)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert not seen.external_requests
    assert [(e["event"], e["what"]) for e in events(published_demo, since)][-3:] == [
        ("sign_in", ""), ("page_refused", "reports"), ("sign_out", "")]
