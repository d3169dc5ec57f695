"""A sign-in in a real browser survives a reload and a second tab opened at a page address, and
ends in every tab at sign-out and at a password change (issue 21; registrar/access/sessions.py)."""

from __future__ import annotations

import io

import pytest

from registrar.common.paths import Home
from tests.support.access import events, now_iso
from tests.support.students import Student

pytestmark = pytest.mark.xdist_group("dashboards")

NAME, PASSWORD = "tab.tester", "tabs-and-reloads-2026"
NAV, FORM = '[data-testid="stSidebarNav"]', 'input[type="password"]'


def _sign_in(page: object, base_url: str, address: str) -> None:
    from tests.support.browser import wait_until_idle

    page.goto(f"{base_url}{address}")  # type: ignore[attr-defined]
    page.wait_for_selector(FORM, timeout=60_000)  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(NAME)  # type: ignore[attr-defined]
    page.locator(FORM).fill(PASSWORD)  # type: ignore[attr-defined]
    page.locator('[data-testid="stBaseButton-primaryFormSubmit"]').click()  # type: ignore[attr-defined]
    page.wait_for_selector(NAV, timeout=60_000)  # type: ignore[attr-defined]
    wait_until_idle(page)


def _signed_in(page: object) -> bool:
    from tests.support.browser import wait_until_idle

    page.wait_for_selector(f"{NAV}, {FORM}", timeout=60_000)  # type: ignore[attr-defined]
    wait_until_idle(page)
    return page.locator(NAV).count() == 1 and f"Signed in: {NAME}" in page.inner_text("body")  # type: ignore


def _signed_out(page: object, why: str) -> None:
    """Wait for the sign-in form the action just taken must bring (the old page stays a moment)."""
    from tests.support.browser import wait_until_idle

    try:
        page.wait_for_selector(FORM, timeout=30_000)  # type: ignore[attr-defined]
    except Exception as timeout:
        raise AssertionError(why) from timeout
    wait_until_idle(page)
    assert page.locator(NAV).count() == 0, why  # type: ignore[attr-defined]


def test_a_sign_in_survives_a_reload_and_a_second_tab_and_ends_in_every_tab(
        served_demo: str, published_demo: Home, known: Student, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign in; reload: still in; a second tab at /student?student=ID: in, same role, that student;
    sign out in the first tab: the second is out at its next click; sign in again, `registrar user
    passwd`: the session is refused at the next click and at a reload."""
    from playwright.sync_api import sync_playwright

    from registrar.access.sessions import COOKIE_NAME
    from registrar.access.users import User, Users
    from registrar.cli import main
    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

    users = Users.of(published_demo)
    if users.get(NAME) is None:
        users.add(User(NAME, "registrar"), PASSWORD)
    since = now_iso()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            first = context.new_page()
            _sign_in(first, served_demo, "/?lang=en")
            cookies = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
            assert len(cookies) == 1, context.cookies()
            cookie = cookies[0]
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
            assert not cookie["secure"] and cookie["expires"] == -1  # plain http here; ends with the browser
            assert COOKIE_NAME not in first.evaluate("document.cookie")  # out of the page's scripts' reach

            first.reload()
            assert _signed_in(first), "a reload signed the user out"

            second = context.new_page()
            second.goto(f"{served_demo}/student?student={known.student_id}&lang=en")
            assert _signed_in(second), "a second tab at a page address met the sign-in form"
            second.get_by_text(known.full_name).first.wait_for(timeout=60_000)  # the Student page, that student
            assert "Signed in: tab.tester (Registrar)" in second.inner_text("body")

            first.get_by_role("button", name="Sign out").click()
            _signed_out(first, "sign-out did not sign out")
            second.locator(NAV).get_by_role("link", name="Home").click()  # the other tab's next action
            _signed_out(second, "sign-out in one tab left the other signed in")
            second.get_by_text("Your session has ended").wait_for(timeout=30_000)

            _sign_in(second, served_demo, "/status?lang=en")
            assert _signed_in(second)
            monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
            monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))  # the same password again: still a change
            assert main(["user", "passwd", NAME]) == 0
            second.locator(NAV).get_by_role("link", name="Home").click()
            _signed_out(second, "the session outlived `registrar user passwd`")
            first.reload()
            assert not _signed_in(first), "a reload after `registrar user passwd` was still signed in"
        finally:
            browser.close()
    mine = [(e["event"], e["params"].get("reason")) for e in events(published_demo, since)
            if e["user"] == NAME and e["event"] in ("sign_in", "sign_out", "session_expired", "session_revoked")]
    assert mine == [("sign_in", None), ("sign_out", None), ("sign_in", None), ("session_revoked", "password changed")]
