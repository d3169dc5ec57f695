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
- **A signed-in session is a record on the server** (registrar/access/sessions.py), named by a
  signed HttpOnly, SameSite=Strict cookie: a reload, a second tab or a page address opened in the
  same browser finds it, with the same role and scope. A password sign-in makes the record and
  sends the browser once to the server's hand-over route (dashboards/serve.py), which sets the
  cookie. On every run the record is checked: ended by sign-out in any tab, by a password change
  or removal of the user (`registrar user passwd`/`remove`), after `session_idle_minutes` without
  an action or `session_absolute_hours` after the sign-in, this session is signed out at its next
  action. A websocket session alone signs no one in: in a browser, only the cookie of its
  connection does (so a closed tab's session resumed by its id from elsewhere is signed out),
  but for the signing-in tab until its cookie is handed over. An OIDC sign-in keeps a record per
  websocket session (Streamlit's own identity cookie carries it across a reload).
- `PAGE_ROLES` is the one map of which role may open which page; app.py builds the menu from
  it, and every page calls `require_page(...)` first, so a page opened by a forged URL refuses.

The roles themselves (pages, faculties, personal data, small cells) are one table in
registrar/access/roles.py; this module keeps only what lives in a Streamlit session.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st

from dashboards.data import SCOPE_KEY, NoWarehouse, frame
from policy import settings
from registrar.access import audit, throttle
from registrar.access.roles import may_open, page_roles
from registrar.access.scope import Scope
from registrar.access.sessions import COOKIE_NAME, HANDOVER_PATH, Found, Sessions, absolute_seconds
from registrar.access.users import User, Users
from registrar.common.i18n import DEFAULT_LANGUAGE, LANGUAGES, md, t

ACCOUNT_KEY = "_registrar_account"
NOTICE_KEY = "_registrar_auth_notice"
SESSION_KEY = "_registrar_session"  # the key of this session's record (registrar/access/sessions.py)

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


def _cookie() -> str | None:
    """The session cookie sent with this session's connection (Streamlit keeps the cookies of the
    websocket's opening request; a resumed session has its new connection's)."""
    try:
        return st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no runtime (a bare script run)
        return None


def _in_browser() -> bool:
    """Whether this session has a browser connection (request headers); AppTest has none."""
    try:
        return len(st.context.headers) > 0
    except Exception:
        return False


def _live_session(now: float) -> tuple[Found | None, Found | None]:
    """This session's record while it holds, else None; with the record that just ended (for the
    audit log and the notice). The cookie decides when there is one; without it, the record this
    websocket session made holds only outside a browser, for an OIDC sign-in, or until the cookie
    of a password sign-in is handed over."""
    store = Sessions.of()
    ended: Found | None = None
    cookie = _cookie()
    if cookie:
        found = store.lookup_cookie(cookie, now)
        if found.record is not None and not found.ended:
            return found, None
        ended = found
    key = st.session_state.get(SESSION_KEY)
    if not isinstance(key, str) or (ended is not None and ended.key == key):
        return None, ended
    found = store.lookup(key, now)
    if found.record is None or found.ended:
        return None, found if found.ended or ended is None else ended
    handing_over = found.record.handover_hash is not None and now <= found.record.handover_until
    if _in_browser() and found.record.via == "password" and not handing_over:
        return None, ended  # its cookie was handed over (or never will be), and this connection lacks it
    return found, ended


def _password_changed_since(user: User, started_at: float) -> bool:
    if not user.password_changed_at:
        return False
    try:
        changed = datetime.fromisoformat(user.password_changed_at).timestamp()
    except ValueError:
        return False
    return changed > started_at


def gate() -> Account | None:
    """Check this session's sign-in on every run against its session record: end it when it is
    idle, too old, revoked, or its user's password changed or the user is gone; reload the user's
    role and scope from the users file; take an OIDC identity. None: nobody is signed in."""
    account = current_account()
    now = time.time()
    found, ended = _live_session(now)
    if found is not None and found.record is not None and found.key is not None:
        record = found.record
        user = Users.of().get(record.user)
        if user is None or (record.via == "password" and _password_changed_since(user, record.started_at)):
            Sessions.of().end(found.key)
            audit.record("session_revoked", record.user, via=record.via, session=found.ref,
                         reason="user removed" if user is None else "password changed")
            _clear(keep_notice="auth_gone" if user is None else "auth_session_ended")
            return None
        if account is not None and account.name != user.name:  # another user signed in meanwhile
            _clear()
        st.session_state[SESSION_KEY] = found.key
        return _start(user, record.via)
    if ended is not None and ended.record is not None and ended.ended in ("idle", "absolute"):
        audit.record("session_expired", ended.record.user, via=ended.record.via, session=ended.ref,
                     reason=ended.ended, idle_minutes=idle_minutes())
    if account is not None:
        notice = {"idle": "auth_expired", "absolute": "auth_too_old"}.get(ended.ended if ended else "",
                                                                         "auth_session_ended")
        if Users.of().get(account.name) is None:
            notice = "auth_gone"
        _clear(keep_notice=notice)
        if account.via == "oidc":
            st.logout()
        return None
    st.session_state.pop(SCOPE_KEY, None)
    st.session_state.pop(SESSION_KEY, None)
    oidc = _oidc()
    identity = _oidc_identity(oidc) if oidc else None
    if identity:
        user = Users.of().find(identity)
        if user is None:
            if st.session_state.get("_registrar_oidc_refused") != identity:
                audit.record("sign_in_failed", identity, via="oidc", reason="not a user of the users file")
            st.session_state["_registrar_oidc_refused"] = identity
            return None
        started = Sessions.of().start(user.name, "oidc", now)
        audit.record("sign_in", user.name, via="oidc", role=user.role, session=started.ref)
        st.session_state[SESSION_KEY] = started.key
        return _start(user, "oidc")
    return None


def sign_in_form() -> None:
    """The sign-in page: the password form (and the OIDC button when switched on)."""
    language = _lang()
    st.header(t("auth_heading", language))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(t(notice, language, minutes=f"{idle_minutes():g}", hours=f"{absolute_seconds() / 3600:g}"))
    oidc = _oidc()
    if oidc:
        refused = st.session_state.get("_registrar_oidc_refused")
        if refused:
            st.error(t("auth_oidc_unknown", language, name=md(refused)))
            if st.button(t("auth_sign_out", language), key="auth_oidc_logout"):
                st.session_state.pop("_registrar_oidc_refused", None)
                st.logout()
        elif st.button(t("auth_oidc_button", language), type="primary", key="auth_oidc_login"):
            st.login(oidc["provider"]) if oidc["provider"] else st.login()
        if not oidc["passwords"]:
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
    started = Sessions.of().start(user.name, "password")
    audit.record("sign_in", user.name, via="password", role=user.role, session=started.ref)
    st.session_state[SESSION_KEY] = started.key
    _start(user, "password")
    if _hand_over(started.token):
        st.caption(t("auth_handing_over", language))  # the browser loads the page again, signed in
        st.stop()
    st.rerun()


def _hand_over(token: str) -> bool:
    """Send the browser to the server's hand-over route, which sets the session cookie for the
    one-time `token` and comes back to this page (the address and its query kept). Sent the way
    Streamlit's own `st.login` sends the browser to its sign-in route. False without a browser
    (AppTest): the sign-in then holds for this session only."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not _in_browser():
        return False
    path = urlsplit(st.context.url or "").path or "/"
    query = urlencode(st.query_params.to_dict())
    back = f"{path}?{query}" if query else path
    msg = ForwardMsg()
    msg.auth_redirect.url = f"{HANDOVER_PATH}?{urlencode({'token': token, 'next': back})}"
    ctx.enqueue(msg)
    return True


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
    """Sign out: end the session record (every tab of it is signed out at its next action), record
    it, clear the session (all its state, the scope with it)."""
    account = current_account()
    key = st.session_state.get(SESSION_KEY)
    if isinstance(key, str):
        Sessions.of().end(key)
    if account is not None:
        audit.record("sign_out", account.name, via=account.via, session=key[:12] if isinstance(key, str) else "")
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
