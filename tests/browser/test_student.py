"""The Student page in a real browser: search, open, download."""

from __future__ import annotations

import io
from typing import Any

import pytest

from registrar.common.i18n import t
from registrar.common.paths import Home
from tests.support.students import Student

# shares the served demo with the other pages' tests; signs in through the form
pytestmark = pytest.mark.xdist_group("dashboards")


def test_in_a_browser_a_registrar_finds_a_student_and_downloads_the_orders(
        served_demo: str, published_demo: Home, known: Student, tmp_path: Any) -> None:
    from openpyxl import load_workbook

    from tests.support.access import browser_sign_in
    from tests.support.browser import axe_violations, browser_page, wait_until_idle

    with browser_page() as (page, seen):
        # from Home by the menu, as a registrar comes (a page's own address makes Streamlit probe
        # /student/_stcore/..., two 404s in the console before it finds the server)
        browser_sign_in(page, served_demo, "registrar", published_demo, lang="ru")
        page.locator('[data-testid="stSidebarNav"] a[href$="/student"]').click()
        page.wait_for_selector('[data-testid="stTextInput"] input', timeout=60_000)
        wait_until_idle(page)
        box = page.locator('[data-testid="stTextInput"] input')
        box.fill(known.student_id)
        box.press("Enter")
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
        wait_until_idle(page)
        page.wait_for_function("document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= 2",
                               timeout=60_000)
        text = page.inner_text("body")
        assert known.full_name in text and t("stu_history_heading", "ru") in text
        assert f"student={known.student_id}" in page.url  # the address opens this student again
        with page.expect_download() as download:
            # the orders' XLSX (the card's document buttons come first)
            page.get_by_role("button", name=t("download_xlsx", "ru")).first.click()
        saved = tmp_path / "orders.xlsx"
        download.value.save_as(saved)
        violations = axe_violations(page)
        page.screenshot(path=str(tmp_path / "student.png"), full_page=True)
    assert not seen.console_errors, seen.console_errors
    assert not seen.external_requests, seen.external_requests
    assert not violations, violations

    sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if t("stu_col_order_no", "ru") in r)
    order_col = rows[header].index(t("stu_col_order_no", "ru"))
    got = tuple(r[order_col] for r in rows[header + 1:] if r[order_col])
    assert got == known.orders
