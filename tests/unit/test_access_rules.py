"""The access rules without a warehouse: the users file and its commands, the audit log, the
throttle, small-cell suppression and each role's scope."""

from __future__ import annotations

import io
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from registrar.access import audit, throttle
from registrar.access.privacy import SUPPRESSED, suppress
from registrar.access.scope import Scope
from registrar.access.users import User, UserError, Users
from registrar.cli import main
from registrar.common.paths import Home


def run_cli(monkeypatch: pytest.MonkeyPatch, home: Path, argv: list[str], stdin: str = "") -> int:
    """`registrar ARGV` in this process, with `stdin` as a pipe (not a terminal)."""
    monkeypatch.setenv("REGISTRAR_HOME", str(home))
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_user_commands_keep_argon2_hashes_in_a_private_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(monkeypatch, tmp_path, ["user", "add", "a.dean", "--role", "dean", "--faculty", "ENG",
                                           "--faculty", "IT"], "first-Password1\n") == 0
    path = tmp_path / "users.json"
    text = path.read_text(encoding="utf-8")
    assert "first-Password1" not in text
    stored = json.loads(text)["users"]["a.dean"]
    assert stored["password_hash"].startswith("$argon2id$") and stored["faculties"] == ["ENG", "IT"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    users = Users(path)
    assert users.verify("a.dean", "first-Password1") is not None
    assert users.verify("a.dean", "first-Password2") is None
    assert users.verify("nobody", "first-Password1") is None

    assert run_cli(monkeypatch, tmp_path, ["user", "passwd", "a.dean"], "second-Password\n") == 0
    assert users.verify("a.dean", "first-Password1") is None
    assert users.verify("a.dean", "second-Password") is not None

    assert run_cli(monkeypatch, tmp_path, ["user", "add", "adv", "--role", "advisor", "--advisor", "T0102"],
                   "advisor-Password\n") == 0
    capsys.readouterr()
    assert run_cli(monkeypatch, tmp_path, ["user", "list"]) == 0
    listed = capsys.readouterr().out
    assert "a.dean\tdean\tENG, IT\tpassword" in listed and "adv\tadvisor\tT0102" in listed
    assert "argon2" not in listed

    assert run_cli(monkeypatch, tmp_path, ["user", "remove", "adv"]) == 0
    assert set(users.all()) == {"a.dean"}
    assert run_cli(monkeypatch, tmp_path, ["user", "remove", "adv"]) == 2


@pytest.mark.parametrize(("argv", "why"), [
    (["user", "add", "r", "--role", "registrar", "--faculty", "ENG"], "only a dean has faculties"),
    (["user", "add", "d", "--role", "dean"], "a dean needs at least one"),
    (["user", "add", "a", "--role", "advisor"], "an advisor needs"),
    (["user", "add", "x'; drop", "--role", "viewer"], "not a user name"),
    (["user", "add", "v", "--role", "viewer"], "at least 12 characters"),  # the password given is "short"
])
def test_user_add_refuses_what_the_role_does_not_allow(argv: list[str], why: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(monkeypatch, tmp_path, argv, "short\n") == 2
    assert why in capsys.readouterr().err
    assert Users(tmp_path / "users.json").all() == {}


@pytest.mark.parametrize(("password", "why"), [
    ("eleven-char", "at least 12 characters"),
    ("aaaaaaaaaaaaaaaa", "5 different characters"),
    ("1212121212121212", "5 different characters"),
    ("Password2025!", "most common"),           # a common word with digits and punctuation added
    ("qwertyuiop123", "most common"),           # a keyboard walk
    ("1q2w3e4r5t6y", "most common"),
    ("ЙЦУКЕНГШЩЗХЪ", "most common"),            # the same walk on a Cyrillic keyboard
    ("Kazakhstan2026", "most common"),
    ("my-a.dean-password", "user name"),
])
def test_a_weak_password_is_refused(password: str, why: str, tmp_path: Path) -> None:
    """Issue 21 finding 11: length, variety, the name and a list of common passwords."""
    users = Users(tmp_path / "users.json")
    with pytest.raises(UserError, match=why):
        users.add(User("a.dean", "dean", ("ENG",)), password)
    users.add(User("a.dean", "dean", ("ENG",)), "correct horse battery")
    with pytest.raises(UserError, match=why):
        users.set_password("a.dean", password)
    assert users.verify("a.dean", "correct horse battery") is not None


def test_the_common_password_list_is_long_and_folded() -> None:
    from registrar.access.passwords import common_passwords

    common = common_passwords()
    assert len(common) >= 1000 and "password" in common and "qwertyuiop" in common and "пароль" in common
    assert all(p == p.casefold() and p.strip() == p for p in common)


def test_user_demo_refuses_a_data_directory_with_real_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(monkeypatch, tmp_path, ["user", "demo"]) == 0  # no users yet: the demo ones are added
    assert {"demo-registrar", "demo-management", "demo-viewer"} <= set(Users(tmp_path / "users.json").all())
    assert run_cli(monkeypatch, tmp_path, ["user", "demo"]) == 0  # only demo users: again
    assert run_cli(monkeypatch, tmp_path, ["user", "add", "a.dean", "--role", "dean", "--faculty", "ENG"],
                   "first-Password1\n") == 0
    Users(tmp_path / "users.json").remove("demo-viewer")
    capsys.readouterr()
    assert run_cli(monkeypatch, tmp_path, ["user", "demo"]) == 2
    assert "real users (a.dean)" in capsys.readouterr().err
    assert "demo-viewer" not in Users(tmp_path / "users.json").all()  # nothing was added


def test_a_password_is_never_a_command_line_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit):
        run_cli(monkeypatch, tmp_path, ["user", "add", "v", "--role", "viewer", "--password", "long-enough-1"])
    with pytest.raises(UserError, match="exists"):
        users = Users(tmp_path / "users.json")
        users.add(User("v", "viewer"), "long-enough-1")
        users.add(User("v", "viewer"), "long-enough-2")


def test_the_audit_log_is_appended_newest_first_and_private(tmp_path: Path) -> None:
    home = Home(tmp_path)
    audit.record("sign_in", "a.dean", home=home, via="password")
    audit.record("download", "a.dean", "debtors.xlsx", home=home, rows=12, filters={"Faculty": "ENG"})
    with audit.audit_path(home).open("a", encoding="utf-8") as fh:
        fh.write('{"at": "cut short by a cra')  # a crash mid-line loses that line only
    audit.record("sign_out", "a.dean", home=home)
    entries = audit.read(home)
    assert [e["event"] for e in entries] == ["sign_out", "download", "sign_in"]
    assert entries[1]["params"] == {"rows": 12, "filters": {"Faculty": "ENG"}} and entries[1]["user"] == "a.dean"
    assert datetime.fromisoformat(entries[0]["at"]).tzinfo is not None
    assert stat.S_IMODE(audit.audit_path(home).stat().st_mode) == 0o600
    with pytest.raises(ValueError):
        audit.record("anything", "a.dean", home=home)


def test_the_audit_log_rotates_at_its_size_and_reads_on_through_the_old_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21 finding 6: a flood of records does not grow one file for ever, and none is lost to
    the reader; the reader filters by event, user and what."""
    home = Home(tmp_path)
    monkeypatch.setattr(audit, "rotate_bytes", lambda: 2000)
    for i in range(60):
        audit.record("sign_in_failed" if i % 3 else "student_view", f"user-{i % 4}", f"S{i:04d}", home=home)
    files = [audit.audit_path(home), *audit.rotated(home)]
    assert len(files) >= 3 and all(f.stat().st_size <= 2000 for f in files)
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    everything = audit.read(home, limit=None)
    assert [e["what"] for e in everything] == [f"S{i:04d}" for i in reversed(range(60))]  # none lost, newest first
    assert [e["what"] for e in audit.read(home, limit=3)] == ["S0059", "S0058", "S0057"]
    views = audit.read(home, limit=None, events={"student_view"}, user="USER-0")
    assert [e["what"] for e in views] == [f"S{i:04d}" for i in reversed(range(0, 60, 12))]
    found = audit.read(home, limit=None, what="s001")  # part of a student ID, any case
    assert [e["what"] for e in found] == [f"S{i:04d}" for i in reversed(range(10, 20))]


def test_failed_sign_ins_are_slowed_then_locked_and_survive_a_restart(tmp_path: Path) -> None:
    policy = throttle.ThrottlePolicy(slow_after=2, lock_after=4, lock_minutes=10)
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    signins = throttle.Throttle.of(Home(tmp_path), policy)
    assert signins.failed("A.Dean", t0).allowed  # one failure: no wait
    slowed = signins.failed("a.dean", t0)  # the same name in another case
    assert not slowed.allowed and slowed.wait_seconds == 2 and slowed.failures == 2
    assert not signins.check("a.dean", t0 + timedelta(seconds=1)).allowed
    assert signins.check("a.dean", t0 + timedelta(seconds=3)).allowed
    assert signins.check("someone.else", t0).allowed
    signins.failed("a.dean", t0 + timedelta(seconds=3))
    locked = signins.failed("a.dean", t0 + timedelta(seconds=8))
    assert locked.locked and locked.failures == 4

    restarted = throttle.Throttle.of(Home(tmp_path), policy)  # a new process reads the same file
    still = restarted.check("a.dean", t0 + timedelta(minutes=9))
    assert still.locked and not still.allowed
    assert restarted.check("a.dean", t0 + timedelta(minutes=11)).allowed  # the lock ran out
    restarted.failed("b.user", t0)
    restarted.succeeded("b.user")
    assert restarted.check("b.user", t0).failures == 0


def test_sign_ins_sent_at_once_are_decided_one_at_a_time(tmp_path: Path) -> None:
    """Issue 21 finding 2: 12 sign-ins at once, 11 wrong and then the right one, against a lock after
    6 failures. The right one is sent when the sixth wrong password is being checked: had the
    five failures before it not been counted yet (check, then verify, then count), it would pass."""
    import threading
    import time

    home = Home(tmp_path)
    users = Users.of(home)
    users.add(User("a.dean", "dean", ("ENG",)), "right-Password-1")
    signins = throttle.Throttle.of(home, throttle.ThrottlePolicy(slow_after=99, lock_after=6, lock_minutes=10))
    checked: list[str] = []
    sixth = threading.Event()
    outcomes: dict[str, throttle.Attempt[User]] = {}

    def verify(password: str) -> User | None:
        checked.append(password)
        if len(checked) == 6:
            sixth.set()
        time.sleep(0.05)  # a slow hash: the window in which a racing sign-in was let through
        return users.verify("a.dean", password)

    def sign_in(password: str) -> None:
        outcomes[password] = signins.attempt("a.dean", lambda: verify(password))

    def right() -> None:
        sixth.wait(timeout=30)
        sign_in("right-Password-1")

    threads = [threading.Thread(target=sign_in, args=(f"wrong-Password-{i}",)) for i in range(11)]
    threads.append(threading.Thread(target=right))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sixth.is_set()
    accepted = outcomes["right-Password-1"]
    assert accepted.value is None and not accepted.checked and accepted.verdict.locked
    assert len(checked) == 6  # no password was checked once the name was locked
    assert sum(o.checked for o in outcomes.values()) == 6
    assert signins.check("a.dean").locked


def test_failures_of_unknown_names_expire_and_are_dropped(tmp_path: Path) -> None:
    home = Home(tmp_path)
    Users.of(home).add(User("a.dean", "dean", ("ENG",)), "right-Password-1")
    signins = throttle.Throttle.of(home, throttle.ThrottlePolicy(slow_after=99, lock_after=3, lock_minutes=90,
                                                                 forget_unknown_minutes=60))
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for guess in ("ghost-1", "ghost-2", "A.Dean"):
        signins.failed(guess, t0)
    for _ in range(3):
        signins.failed("locked.ghost", t0)
    assert names_in(signins) == {"ghost-1", "ghost-2", "a.dean", "locked.ghost"}
    signins.failed("ghost-3", t0 + timedelta(minutes=59))
    assert names_in(signins) == {"ghost-1", "ghost-2", "a.dean", "locked.ghost", "ghost-3"}
    signins.attempt("ghost-4", lambda: None, t0 + timedelta(minutes=61))  # a write: the old guesses go
    # a user's failures stay, and a lock until it runs out
    assert names_in(signins) == {"a.dean", "locked.ghost", "ghost-3", "ghost-4"}
    assert signins.check("a.dean", t0 + timedelta(minutes=61)).failures == 1
    signins.failed("ghost-5", t0 + timedelta(minutes=91))
    assert "locked.ghost" not in names_in(signins)
    # everyone's failures are kept for a minute only
    assert json.loads(signins.path.read_text())[throttle.GLOBAL_KEY] == [(t0 + timedelta(minutes=91)).isoformat()]


def names_in(signins: throttle.Throttle) -> set[str]:
    """The names the throttle file holds failures of."""
    return set(json.loads(signins.path.read_text())) - {throttle.GLOBAL_KEY}


def test_wrong_passwords_from_one_client_lock_the_name_for_that_client_only(tmp_path: Path) -> None:
    """Issue 21 finding 6: six wrong passwords sent from one place do not lock the account for every
    other place; the loopback and an unknown address are one client."""
    home = Home(tmp_path)
    users = Users.of(home)
    users.add(User("registrar.1", "registrar"), "right-Password-1")
    signins = throttle.Throttle.of(home, throttle.ThrottlePolicy(slow_after=99, lock_after=6, lock_minutes=15))
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for i in range(6):
        signins.attempt("registrar.1", lambda: users.verify("registrar.1", "wrong"), t0 + timedelta(seconds=i),
                        client="203.0.113.7")
    assert signins.check("Registrar.1", t0 + timedelta(minutes=1), client="203.0.113.7").locked
    refused = signins.attempt("registrar.1", lambda: users.verify("registrar.1", "right-Password-1"),
                              t0 + timedelta(minutes=1), client="203.0.113.7")
    assert not refused.checked and refused.value is None  # locked for the attacker's address
    for other in ("198.51.100.2", throttle.LOCAL):
        assert signins.check("registrar.1", t0 + timedelta(minutes=1), client=other).allowed
    accepted = signins.attempt("registrar.1", lambda: users.verify("registrar.1", "right-Password-1"),
                               t0 + timedelta(minutes=1), client="198.51.100.2")
    assert accepted.checked and accepted.value is not None
    assert signins.check("registrar.1", t0 + timedelta(minutes=2), client="203.0.113.7").locked  # still
    assert [throttle.client_of(a) for a in (None, "", "127.0.0.1", "::1", object(), "203.0.113.7")] == [
        "local", "local", "local", "local", "local", "203.0.113.7"]


def test_failures_of_everyone_are_limited_per_minute(tmp_path: Path) -> None:
    """A spray: one guess for each of many names, each from another address, meets the global limit."""
    home = Home(tmp_path)
    signins = throttle.Throttle.of(home, throttle.ThrottlePolicy(slow_after=99, lock_after=99,
                                                                 max_failures_per_minute=5))
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    checked: list[str] = []
    for i in range(5):
        tried = signins.attempt(f"name-{i}", lambda i=i: checked.append(f"name-{i}"), t0 + timedelta(seconds=i),
                                client=f"198.51.100.{i}")
        assert tried.checked and tried.verdict.allowed
    sixth = signins.attempt("name-5", lambda: checked.append("name-5"), t0 + timedelta(seconds=10),
                            client="198.51.100.5")
    assert not sixth.checked and sixth.verdict.busy and not sixth.verdict.locked
    assert sixth.verdict.wait_seconds == 50  # until the oldest failure is a minute old
    assert checked == [f"name-{i}" for i in range(5)]
    later = signins.attempt("name-5", lambda: checked.append("name-5"), t0 + timedelta(seconds=60),
                            client="198.51.100.5")
    assert later.checked  # the oldest failure has left the minute


def test_a_throttle_file_of_the_earlier_version_is_read_as_the_local_client(tmp_path: Path) -> None:
    home = Home(tmp_path)
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    signins = throttle.Throttle.of(home, throttle.ThrottlePolicy(lock_after=6, lock_minutes=15))
    signins.path.write_text(json.dumps({"a.dean": {"failures": 6, "last_at": t0.isoformat(),
                                                   "locked_until": (t0 + timedelta(minutes=15)).isoformat()}}))
    assert signins.check("a.dean", t0 + timedelta(minutes=1)).locked
    assert signins.check("a.dean", t0 + timedelta(minutes=1), client="198.51.100.2").allowed




def test_a_single_small_cell_takes_a_second_one_with_it() -> None:
    cells = pd.DataFrame({"group": ["a", "b", "c", "d"], "n": [10, 2, 7, 30], "rate": [0.5, 0.5, 0.6, 0.7]})
    shown = suppress(cells, "n", 3, ["rate"])
    assert list(shown[SUPPRESSED]) == [False, True, True, False]  # b (2 < 3), and the smallest other: c
    assert shown.loc[1:2, ["n", "rate"]].isna().all().all()
    total = int(cells["n"].sum())
    hidden_sum = total - int(pd.to_numeric(shown["n"]).fillna(0).sum())
    assert hidden_sum == 9  # all the total gives back is b + c, not b
    assert suppress(cells, "n", 0)[SUPPRESSED].sum() == 0
    zero = pd.DataFrame({"group": ["a", "b"], "n": [0, 40]})
    assert suppress(zero, "n", 3)[SUPPRESSED].sum() == 0  # a zero cell names nobody


def test_a_table_with_row_and_column_totals_never_has_one_hidden_cell_in_a_line() -> None:
    rows = [(d, g, n) for d, g, n in [("x", "1", 1), ("x", "2", 5), ("x", "3", 9), ("y", "1", 6), ("y", "2", 7),
                                      ("y", "3", 8), ("z", "1", 20), ("z", "2", 2), ("z", "3", 30)]]
    cells = pd.DataFrame(rows, columns=["discipline", "group", "n"])
    shown = suppress(cells, "n", 3, margins=[["discipline"], ["group"]])
    assert shown.loc[(shown["discipline"] == "x") & (shown["group"] == "1"), SUPPRESSED].all()
    for margin in ("discipline", "group"):
        assert (shown.groupby(margin)[SUPPRESSED].sum() != 1).all()


def test_each_role_has_its_scope() -> None:
    assert Scope.for_role("registrar") == Scope()
    management = Scope.for_role("management")
    assert management.faculties is None and not management.personal_data
    assert management.personal("s.iin", "iin") == "'***' as iin"
    dean = Scope.for_role("dean", ["ENG"])
    assert dean.faculty_filter("s.faculty_code") == ("s.faculty_code in (?)", ["ENG"]) and dean.personal_data
    advisor = Scope.for_role("advisor", ["ENG"], "T0102")
    assert advisor.student_filter("s.student_id")[1] == ["T0102"]
    viewer = Scope.for_role("viewer")
    assert not viewer.individuals and not viewer.personal_data and viewer.min_cell == 3
    nobody = Scope.for_role("advisor")  # an advisor without an ID sees nothing
    assert nobody == Scope.nothing()
    assert nobody.faculty_filter()[0] == "false" and nobody.student_filter()[0] == "false"
