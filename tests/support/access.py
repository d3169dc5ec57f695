"""Signing in to the dashboards in tests (dashboards/auth.py).

- **AppTest as the registrar**: the fixture `dashboard_as_registrar` (conftest) makes every
  `AppTest.from_file` of the test start signed in as the registrar, the way a signed-in session
  is: the demo registrar in the users file of $REGISTRAR_HOME, a session record of it
  (registrar/access/sessions.py) and its account and record in the session state (`signed_in`).
  The app has no test bypass: it checks that record and the users file on every run, as for
  anyone. Put `pytest.mark.usefixtures("dashboard_as_registrar")` in the module's `pytestmark`.
- **AppTest as any role**: `accounts(home)` adds the demo user of each role to that data
  directory (the users of `make run`: `demo-<role>`, password `<role>-demo-pass`), then
  `sign_in(at, "dean", home)` signs in through the form.
- **Browser**: `browser_sign_in(page, base_url, "dean", home, url_path="attestation")` opens
  the page and fills the form of the served app; the session cookie then keeps the browser
  signed in across a reload, a `page.goto` and a second tab of the same context.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from streamlit.testing.v1 import AppTest

from registrar.access import audit
from registrar.access.users import User, demo_users
from registrar.common.paths import Home


def accounts(home: Home) -> dict[str, tuple[User, str]]:
    """The demo user and password of each role in `home` (added when missing), by role."""
    return {user.role: (user, password) for user, password in demo_users(home)}


def signed_in(at: AppTest, role: str, home: Home) -> AppTest:
    """`at` with the session state of the demo user of `role` just signed in (not yet run)."""
    from dashboards.auth import ACCOUNT_KEY, SESSION_KEY, Account
    from registrar.access.scope import Scope
    from registrar.access.sessions import Sessions

    user, _password = accounts(home)[role]
    scope = Scope.for_role(user.role, user.faculties, user.advisor_id)
    at.session_state[ACCOUNT_KEY] = Account(user.name, user.role, scope, "password")
    at.session_state[SESSION_KEY] = Sessions.of(home).start(user.name, "password").key
    return at


def age_session(at: AppTest, home: Home, seconds: float) -> None:
    """Make the session record of `at` as if its last action and its sign-in were `seconds` ago."""
    import dataclasses

    from dashboards.auth import SESSION_KEY
    from registrar.access.sessions import Sessions

    store, key = Sessions.of(home), at.session_state[SESSION_KEY]
    record = store._read(key)
    assert record is not None
    with store._locked():
        store._write(key, dataclasses.replace(record, started_at=record.started_at - seconds,
                                              last_seen=record.last_seen - seconds))


def sign_in(at: AppTest, role: str, home: Home) -> AppTest:
    """Sign `at` in through the sign-in form as the demo user of `role` (runs the app)."""
    user, password = accounts(home)[role]
    at.run()
    at.text_input(key="auth_name").input(user.name)
    at.text_input(key="auth_password").input(password)
    at.button(key="auth_submit").click().run()
    assert not at.exception, at.exception
    return at


def browser_sign_in(page: Any, base_url: str, role: str, home: Home, url_path: str = "", lang: str = "en") -> None:
    """Open `url_path` of the served app and sign in as the demo user of `role`: the page opens
    once signed in (after the hand-over of the session cookie, a new page load)."""
    from tests.support.browser import wait_until_idle

    user, password = accounts(home)[role]
    page.goto(f"{base_url}/{url_path}{'&' if '?' in url_path else '?'}lang={lang}")
    page.wait_for_selector('input[type="password"]', timeout=60_000)
    page.get_by_label({"en": "User name", "ru": "Имя пользователя", "kk": "Пайдаланушы аты"}[lang]).fill(user.name)
    page.locator('input[type="password"]').fill(password)
    page.locator('[data-testid="stBaseButton-primaryFormSubmit"]').click()
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=60_000)
    wait_until_idle(page)


def now_iso() -> str:
    """Now, as the audit log writes times (to read the events since)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def events(home: Home, since: str) -> list[dict[str, object]]:
    """The audit log's events of `home` at or after `since`, oldest first."""
    return [e for e in reversed(audit.read(home, limit=None)) if str(e["at"]) >= since]
