"""The Data refresh (status) page in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registrar.common.paths import Home
from tests.support.access import browser_sign_in
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, serve

# AppTests run signed in as the registrar; the browser test signs in through the form (tests/support/access.py).
pytestmark = pytest.mark.xdist_group("mini_refresh")


@pytest.fixture
def served_app(published_mini: Home) -> Iterator[str]:
    with serve(published_mini.root) as url:
        yield url


def test_registrar_sees_the_status_page_in_a_browser(served_app: str, published_mini: Home, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        browser_sign_in(page, served_app, "registrar", published_mini, url_path="status", lang="kk")
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        text = page.inner_text("body")
        page.screenshot(path=str(tmp_path / "status.png"), full_page=True)
        browser.close()
    assert "Деректердің соңғы жаңартылуы" in text
    assert "Өткен тексерулер" in text
