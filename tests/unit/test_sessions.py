"""The dashboards' session records (registrar/access/sessions.py, issue 21 finding 8 and the
sign-in that survives a reload): a signed cookie names a record of which the server keeps only
a hash; records end at sign-out, password change, removal, idle and absolute expiry."""

from __future__ import annotations

import base64
import hashlib
import io
import stat
from pathlib import Path

import pytest

from registrar.access import audit, sessions
from registrar.access.sessions import HANDOVER_SECONDS, Sessions
from registrar.access.users import User, Users
from registrar.cli import main
from registrar.common.paths import Home


def signed_in(store: Sessions, user: str = "a.dean", now: float = 1_000_000.0) -> tuple[str, str]:
    """A session of `user` started and handed over at `now`: its record key and cookie value."""
    started = store.start(user, "password", now)
    redeemed = store.redeem(started.token, now + 1)
    assert redeemed is not None
    return started.key, redeemed[0]


def test_a_cookie_names_a_record_of_which_only_a_hash_is_kept_in_private_files(tmp_path: Path) -> None:
    store = Sessions(tmp_path)
    started = store.start("a.dean", "password", 1_000_000.0)
    cookie, record = store.redeem(started.token, 1_000_001.0) or ("", None)
    assert record is not None and record.user == "a.dean" and record.handover_hash is None
    found = store.lookup_cookie(cookie, 1_000_002.0)
    assert found.record is not None and found.ended is None and found.key == started.key

    version, raw_id, _signature = cookie.split(".")
    session_id = base64.urlsafe_b64decode(raw_id + "=" * (-len(raw_id) % 4))
    assert version == "v1" and len(session_id) == 32
    assert started.key == hashlib.sha256(session_id).hexdigest()  # the file is named by the id's hash
    kept = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for secret in (session_id, raw_id.encode(), session_id.hex().encode(), started.token.encode(), cookie.encode()):
        assert secret not in kept  # neither the id, in any spelling, nor the token nor the cookie
    assert stat.S_IMODE((tmp_path / "sessions").stat().st_mode) == 0o700
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"session.key", f"{started.key}.json"}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files), {p.name: oct(p.stat().st_mode) for p in files}
    assert len((tmp_path / "session.key").read_bytes()) == 32
    assert Sessions(tmp_path)._key() == (tmp_path / "session.key").read_bytes()  # made once, then kept


def test_a_hand_over_token_is_good_once_and_only_briefly(tmp_path: Path) -> None:
    store = Sessions(tmp_path)
    started = store.start("a.dean", "password", 1_000_000.0)
    assert store.redeem("not-the-token", 1_000_001.0) is None
    assert store.redeem(started.token, 1_000_001.0) is not None
    assert store.redeem(started.token, 1_000_002.0) is None  # used
    late = store.start("a.dean", "password", 1_000_000.0)
    assert store.redeem(late.token, 1_000_000.0 + HANDOVER_SECONDS + 1) is None


def test_a_tampered_or_foreign_cookie_is_refused(tmp_path: Path) -> None:
    store = Sessions(tmp_path / "home")
    key, cookie = signed_in(store)
    version, raw_id, signature = cookie.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert store.lookup_cookie(f"{version}.{raw_id}.{flipped}", 1_000_002.0).ended == "tampered"
    other_id = base64.urlsafe_b64encode(bytes(32)).rstrip(b"=").decode()
    assert store.lookup_cookie(f"{version}.{other_id}.{signature}", 1_000_002.0).ended == "tampered"
    _other_key, foreign = signed_in(Sessions(tmp_path / "other"))  # signed with another home's key
    assert store.lookup_cookie(foreign, 1_000_002.0).ended == "tampered"
    for garbage in ("", "v1", "v1..", "v2.a.b", "v1.!!.??", cookie + ".x"):
        assert store.lookup_cookie(garbage, 1_000_002.0).record is None
    assert store.lookup_cookie(cookie, 1_000_002.0).key == key  # the real one still holds


def test_a_session_ends_when_idle_and_after_its_absolute_lifetime(tmp_path: Path) -> None:
    store = Sessions(tmp_path)
    idle, absolute = sessions.idle_seconds(), sessions.absolute_seconds()
    assert idle < absolute
    start = 1_000_000.0
    key, cookie = signed_in(store, now=start)
    assert store.lookup_cookie(cookie, start + idle - 5).ended is None  # an action just before: touched
    assert store.lookup_cookie(cookie, start + 2 * idle - 10).ended is None
    gone = store.lookup_cookie(cookie, start + 3 * idle)
    assert gone.ended == "idle" and gone.record is not None and gone.record.user == "a.dean"
    assert store.lookup_cookie(cookie, start + 3 * idle).ended == "unknown"  # ended for good

    key, cookie = signed_in(store, now=start)
    now = start
    while now + idle / 2 < start + absolute:  # busy all along
        now += idle / 2
        assert store.lookup_cookie(cookie, now).ended is None
    assert store.lookup_cookie(cookie, start + absolute + 1).ended == "absolute"
    assert not (tmp_path / "sessions" / f"{key}.json").exists()


def test_sign_out_ends_one_session_and_end_user_every_session_of_that_user(tmp_path: Path) -> None:
    store = Sessions(tmp_path)
    first, first_cookie = signed_in(store, "a.dean")
    _second, second_cookie = signed_in(store, "a.dean")
    _other, other_cookie = signed_in(store, "registrar")
    assert store.end(first) and not store.end(first)
    assert store.lookup_cookie(first_cookie, 1_000_002.0).ended == "unknown"
    assert store.lookup_cookie(second_cookie, 1_000_002.0).ended is None  # another tab's sign-in holds
    assert store.end_user("a.dean") == 1
    assert store.lookup_cookie(second_cookie, 1_000_002.0).ended == "unknown"
    assert store.lookup_cookie(other_cookie, 1_000_002.0).ended is None
    assert Sessions(tmp_path / "no-home-yet").end_user("a.dean") == 0


def test_user_passwd_and_remove_end_the_users_sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(tmp_path))
    Users.of(Home(tmp_path)).add(User("a.dean", "dean", ("ENG",)), "first-Password1")
    store = Sessions(tmp_path)
    _key, cookie = signed_in(store, "a.dean", now=10_000_000_000.0)
    monkeypatch.setattr("sys.stdin", io.StringIO("second-Password\n"))
    assert main(["user", "passwd", "a.dean"]) == 0
    assert store.lookup_cookie(cookie, 10_000_000_002.0).ended == "unknown"
    _key, cookie = signed_in(store, "a.dean", now=10_000_000_000.0)
    assert main(["user", "remove", "a.dean"]) == 0
    assert store.lookup_cookie(cookie, 10_000_000_002.0).ended == "unknown"
    revoked = audit.read(Home(tmp_path), events=["session_revoked"])
    assert [(e["params"]["reason"], e["params"]["sessions"]) for e in reversed(revoked)] == [
        ("password changed", 1), ("user removed", 1)]
