"""Who is signed in to this session, with which role and scope (rules B30).

- **Password sign-in**: the users file under $REGISTRAR_HOME (registrar/access/users.py: argon2id
  hashes), a form; repeated failures for a name are slowed, then locked (registrar/access/audit.py).
- **OIDC** (where the university has a provider): switched on by an `[auth]` section in
  Streamlit's secrets (Streamlit's own `st.login`). The identity's claim `[registrar]
  oidc_claim` (default `email`) must be the name of a user of the users file: that user's role
  and scope apply, exactly as after a password sign-in. `[registrar] password_signin = false`
  hides the password form.
- The **scope** of the signed-in user is put where `dashboards.data.current_scope()` reads it,
  on every run, from the users file as it is now (a removed user is out at their next click).
- A session idle for longer than the var `session_idle_minutes` is signed out; signing out
  clears the whole session.
- `PAGE_ROLES` is the one map of which role may open which page; app.py builds the menu from
  it, and every page calls `require_page(...)` first, so a page opened by a forged URL refuses.

The roles themselves (pages, faculties, personal data, small cells) are one table in
registrar/access/roles.py; this module keeps only what lives in a Streamlit session.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboards.data import SCOPE_KEY, NoWarehouse, frame
from policy import settings
from registrar.access import audit, throttle
from registrar.access.roles import may_open, page_roles
from registrar.access.scope import Scope
from registrar.access.users import User, Users
from registrar.common.i18n import DEFAULT_LANGUAGE, LANGUAGES, md, t

ACCOUNT_KEY = "_registrar_account"
LAST_SEEN_KEY = "_registrar_last_seen"
NOTICE_KEY = "_registrar_auth_notice"

PAGE_ROLES: dict[str, frozenset[str]] = page_roles()  # which role may open which page (registrar/access/roles.py)


@dataclass(frozen=True)
class Account:
    """The signed-in user of a session: name, role, scope and how they signed in."""

    name: str
    role: str
    scope: Scope
    via: str  # "password" or "oidc"


def _lang() -> str:
    chosen = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def idle_minutes() -> float:
    """Minutes without a click after which a session is signed out (rules B30)."""
    return float(settings()["session_idle_minutes"])


def scope_for(user: User) -> Scope:
    """The scope of a user of the users file. An advisor's faculties are their advisees'."""
    faculties: tuple[str, ...] = user.faculties
    if user.role == "advisor" and user.advisor_id:
        try:
            found = frame("select distinct faculty_code from main.dim_students where advisor_id = ? "
                          "order by faculty_code", [user.advisor_id])
            faculties = tuple(found["faculty_code"])
        except NoWarehouse:
            faculties = ()
    return Scope.for_role(user.role, faculties, user.advisor_id)


def current_account() -> Account | None:
    """This session's user, as checked by `gate()` on this run."""
    found = st.session_state.get(ACCOUNT_KEY)
    return found if isinstance(found, Account) else None


def user_name() -> str | None:
    account = current_account()
    return account.name if account else None


def log(event: str, what: str = "", **params: Any) -> None:
    """An audit record by this session's user (a page view of a student, a download)."""
    audit.record(event, user_name(), what, **params)


VIEWED_KEY = "_registrar_viewed_student"


def viewed_student(student_id: str) -> None:
    """Record that this session's user opened a named student (once per student in a row, not on
    every click of the same page)."""
    if st.session_state.get(VIEWED_KEY) == student_id:
        return
    st.session_state[VIEWED_KEY] = student_id
    log("student_view", student_id, page="student")


def _start(user: User, via: str) -> Account:
    account = Account(user.name, user.role, scope_for(user), via)
    st.session_state[ACCOUNT_KEY] = account
    st.session_state[SCOPE_KEY] = account.scope
    st.session_state[LAST_SEEN_KEY] = time.time()
    return account


def _clear(keep_notice: str | None = None) -> None:
    """Forget everything of the session but its language (sign-out, expiry)."""
    language = _lang()
    st.session_state.clear()
    st.session_state["lang"] = language
    if keep_notice:
        st.session_state[NOTICE_KEY] = keep_notice


def _oidc() -> dict[str, Any] | None:
    """The OIDC settings when the secrets switch it on (an `[auth]` section), else None."""
    try:
        if "auth" not in st.secrets:
            return None
        ours = dict(st.secrets.get("registrar", {}))
    except Exception:  # no secrets file at all: Streamlit raises FileNotFoundError or its own error
        return None
    return {"claim": str(ours.get("oidc_claim", "email")), "provider": ours.get("oidc_provider"),
            "passwords": bool(ours.get("password_signin", True))}


def _oidc_identity(settings: dict[str, Any]) -> str | None:
    try:
        if not st.user.is_logged_in:
            return None
        value = st.user.get(settings["claim"])
    except Exception:  # st.user unavailable (no auth configured in this runtime)
        return None
    return str(value) if value else None


def gate() -> Account | None:
    """Check this session's sign-in on every run: expire an idle session, reload the user's role
    and scope from the users file, take an OIDC identity. None: nobody is signed in."""
    account = current_account()
    now = time.time()
    if account is not None:
        last_seen = float(st.session_state.get(LAST_SEEN_KEY, 0.0))
        if now - last_seen > idle_minutes() * 60:
            audit.record("session_expired", account.name, via=account.via, idle_minutes=idle_minutes())
            _clear(keep_notice="auth_expired")
            if account.via == "oidc":
                st.logout()
            return None
        user = Users.of().get(account.name)
        if user is None:  # removed since signing in
            _clear(keep_notice="auth_gone")
            return None
        return _start(user, account.via)
    st.session_state.pop(SCOPE_KEY, None)
    settings = _oidc()
    identity = _oidc_identity(settings) if settings else None
    if identity:
        user = Users.of().find(identity)
        if user is None:
            if st.session_state.get("_registrar_oidc_refused") != identity:
                audit.record("sign_in_failed", identity, via="oidc", reason="not a user of the users file")
            st.session_state["_registrar_oidc_refused"] = identity
            return None
        audit.record("sign_in", user.name, via="oidc", role=user.role)
        return _start(user, "oidc")
    return None


def sign_in_form() -> None:
    """The sign-in page: the password form (and the OIDC button when switched on)."""
    language = _lang()
    st.header(t("auth_heading", language))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(t(notice, language, minutes=f"{idle_minutes():g}"))
    settings = _oidc()
    if settings:
        refused = st.session_state.get("_registrar_oidc_refused")
        if refused:
            st.error(t("auth_oidc_unknown", language, name=md(refused)))
            if st.button(t("auth_sign_out", language), key="auth_oidc_logout"):
                st.session_state.pop("_registrar_oidc_refused", None)
                st.logout()
        elif st.button(t("auth_oidc_button", language), type="primary", key="auth_oidc_login"):
            st.login(settings["provider"]) if settings["provider"] else st.login()
        if not settings["passwords"]:
            return
    with st.form("auth_form", clear_on_submit=True, enter_to_submit=True):
        name = st.text_input(t("auth_name", language), key="auth_name", max_chars=128, autocomplete="username")
        password = st.text_input(t("auth_password", language), type="password", key="auth_password",
                                 max_chars=1024, autocomplete="current-password")
        submitted = st.form_submit_button(t("auth_submit", language), type="primary", key="auth_submit")
    if submitted:
        _try_password(name.strip(), password, language)


def _try_password(name: str, password: str, language: str) -> None:
    if not name or not password:
        st.error(t("auth_wrong", language))
        return
    # the verdict, the password check and the count as one step (sign-ins sent at once queue)
    client = throttle.client_of(st.context.ip_address)  # counted per name and client (finding 6)
    tried = throttle.Throttle.of().attempt(name, lambda: Users.of().verify(name, password), client=client)
    verdict, user = tried.verdict, tried.value
    if not tried.checked:
        audit.record("sign_in_locked", name, via="password", wait_seconds=round(verdict.wait_seconds),
                     failures=verdict.failures, client=client, busy=verdict.busy)
        _refused(verdict, language)
        return
    if user is None:
        audit.record("sign_in_failed", name, via="password", failures=verdict.failures, locked=verdict.locked,
                     client=client)
        st.error(t("auth_wrong", language))
        if not verdict.allowed:
            _refused(verdict, language)
        return
    audit.record("sign_in", user.name, via="password", role=user.role)
    _start(user, "password")
    st.rerun()


def _refused(verdict: throttle.Verdict, language: str) -> None:
    if verdict.locked:
        st.error(t("auth_locked", language, minutes=max(1, round(verdict.wait_seconds / 60))))
    else:
        st.warning(t("auth_slowed", language, seconds=max(1, round(verdict.wait_seconds))))


def refusal(page: str) -> Callable[[], None]:
    """What the address of `page` shows to a role that may not open it (registered in its place):
    a refusal, recorded in the audit log."""

    def refuse() -> None:
        account = current_account()
        if account is not None:
            audit.record("page_refused", account.name, page, role=account.role, by="address")
        st.error(t("auth_page_refused", _lang()))

    refuse.__name__ = f"refuse_{page}"
    return refuse


def sign_out() -> None:
    """Sign out: record it, clear the session (all its state, the scope with it)."""
    account = current_account()
    if account is not None:
        audit.record("sign_out", account.name, via=account.via)
    _clear(keep_notice="auth_signed_out")
    if account is not None and account.via == "oidc":
        st.logout()


def require_page(page: str) -> Account:
    """The first line of every page: stop unless the signed-in user's role may open `page`."""
    account = current_account()
    if account is None or not may_open(account.role, page):
        if account is not None:
            audit.record("page_refused", account.name, page, role=account.role)
        st.error(t("auth_page_refused", _lang()))
        st.stop()
    return account
