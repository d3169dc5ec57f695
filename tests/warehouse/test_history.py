"""History, rollback and the publish guard (rules C7) on real refreshes of the mini university,
and `registrar doctor` on a refreshed home and a broken one.

One home with two published refreshes is built per module (the first a copy of the session's refresh of the
mini, tests/support/homes.py); each test works on its own copy."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
from pathlib import Path

import pytest

from registrar.access import audit
from registrar.common.paths import Home
from registrar.pipeline import history
from registrar.pipeline.doctor import diagnose
from registrar.pipeline.refresh import refresh
from tests.support.extracts import MINI, edit_rows, file_digest, quiet
from tests.support.homes import copy_home, mini_once
from tests.support.warehouse import query

pytestmark = pytest.mark.xdist_group("mini_refresh")


class TwoRuns:
    """A home with the mini published twice: `first` (the mini as it is), then `second` (one exam changed)."""

    def __init__(self, home: Home, first: str, second: str, first_sha: str, second_sha: str) -> None:
        self.home, self.first, self.second = home, first, second
        self.first_sha, self.second_sha = first_sha, second_sha

    def copy(self, tmp_path: Path) -> Home:
        """A copy of the home, safe to spoil."""
        shutil.copytree(self.home.root, tmp_path / "home", symlinks=True)
        return Home(tmp_path / "home")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    root = tmp_path_factory.mktemp("history")
    home = copy_home(mini_once(tmp_path_factory), root / "home")  # the session's refresh of the mini (first)
    first = history.current_run_id(home)
    first_sha = file_digest(home.warehouse)
    changed = root / "changed"
    shutil.copytree(MINI, changed)
    edit_rows(changed / "grades.csv", lambda rows: [{**r, "exam": "81"} if r["exam"] == "80" else r for r in rows])
    second = refresh(changed, home, quiet).run_id
    return TwoRuns(home, first, second, first_sha, file_digest(home.warehouse))


@pytest.fixture
def at_home(monkeypatch: pytest.MonkeyPatch) -> callable:
    def use(home: Home) -> Home:
        monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
        return home
    return use


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_history_lists_both_refreshes_newest_first(two_runs: TwoRuns, at_home: callable,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from registrar.cli import main

    home = at_home(two_runs.home)
    runs = history.runs(home)
    assert [r.run_id for r in runs] == [two_runs.second, two_runs.first]
    assert [r.current for r in runs] == [True, False]
    newest, older = runs
    assert newest.sha256 == two_runs.second_sha and older.sha256 == two_runs.first_sha
    assert newest.extract_sha256 != older.extract_sha256  # one grade differs
    assert older.extract_dir == str(MINI.resolve())
    assert older.figures == {"extract_date": "2025-06-10", "headcount": 1, "students": 4, "grade_rows": 8}
    assert older.checks["pass"] > 50 and older.checks["fail"] == 0
    assert older.started_by == history.who()
    # the served run is a link to its kept file: kept twice, stored once
    assert history.disk_bytes(home) < newest.bytes + older.bytes + 1
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert f"* {two_runs.second}" in out and f"  {two_runs.first}" in out
    assert "2 kept (setting published_keep = 7)" in out


def test_rollback_serves_the_older_run_byte_for_byte_and_is_audited(two_runs: TwoRuns, tmp_path: Path,
                                                                     at_home: callable) -> None:
    from registrar.cli import main

    home = at_home(two_runs.copy(tmp_path))
    assert main(["rollback"]) == 0  # default: the run before the current one
    assert file_digest(home.warehouse) == two_runs.first_sha
    assert query(home, "select run_id from meta.refresh") == [(two_runs.first,)]
    assert history.current_record(home).run_id == two_runs.first
    entry = audit.read(home, events=["rollback"])[0]
    assert entry["what"] == two_runs.first and entry["params"]["replaced"] == two_runs.second
    assert entry["user"] == history.who()
    # and forward again, by its ID; the current one is refused
    assert main(["rollback", two_runs.first]) == 2
    assert main(["rollback", two_runs.second]) == 0
    assert file_digest(home.warehouse) == two_runs.second_sha


def _without_student(extracts: Path, student_id: str) -> None:
    for name in ("students", "orders", "grades", "enrollments", "recognitions"):
        edit_rows(extracts / f"{name}.csv", lambda rows: [r for r in rows if r["student_id"] != student_id])


def test_the_guard_holds_a_drop_then_accept_drop_publishes_it(two_runs: TwoRuns, tmp_path: Path, at_home: callable,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from registrar.cli import main

    home = at_home(two_runs.copy(tmp_path))
    extracts = tmp_path / "extracts"
    shutil.copytree(MINI, extracts)
    _without_student(extracts, "S0003")  # 4 students → 3, 8 grade rows → 7: valid, but a quarter fewer
    served = os.stat(home.warehouse)
    assert main(["refresh", str(extracts)]) == 4
    err = capsys.readouterr().err
    assert "students: 4 → 3" in err and "grade rows: 8 → 7" in err and "headcount on the extract date: 1 → 1" in err
    after = os.stat(home.warehouse)
    assert file_digest(home.warehouse) == two_runs.second_sha
    assert (after.st_ino, after.st_mtime_ns) == (served.st_ino, served.st_mtime_ns)
    assert history.current_record(home).run_id == two_runs.second
    assert audit.read(home, events=["drop_accepted"]) == []

    assert main(["refresh", str(extracts), "--accept-drop"]) == 0
    out = capsys.readouterr().out
    assert "no rebuild" in out  # the held build of the same extracts was published
    assert query(home, "select count(*) from main.dim_students") == [(3,)]
    current = history.current_record(home)
    assert current.accepted_drop and current.figures["students"] == 3
    assert file_digest(home.warehouse) == current.sha256
    assert audit.read(home, events=["drop_accepted"])[0]["what"] == current.run_id
    assert not home.held.exists()


def test_doctor_passes_a_good_home(two_runs: TwoRuns, tmp_path: Path, at_home: callable,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from registrar.access.users import User, Users
    from registrar.cli import main

    home = at_home(two_runs.copy(tmp_path))
    Users.of(home).add(User("registrar1", "registrar"), None)
    assert main(["doctor", "--port", str(free_port())]) == 0, capsys.readouterr().out
    assert "No problem found" in capsys.readouterr().out
    from bench.shared import free_ports

    first = free_ports(2)  # `registrar serve --processes 2`: each of its ports is checked
    assert main(["doctor", "--port", str(first), "--processes", "2"]) == 0
    out = capsys.readouterr().out
    assert f"port {first} on" in out and f"port {first + 1} on" in out


def test_doctor_names_each_problem_of_a_broken_home(two_runs: TwoRuns, tmp_path: Path, at_home: callable,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from registrar.cli import main

    home = at_home(two_runs.copy(tmp_path))
    os.chmod(home.root, 0o755)
    stale = dt.datetime.fromisoformat(history.current_record(home).published_at) + dt.timedelta(days=30)
    found = diagnose(home, users=[], port=free_port(), now=stale)
    assert len(found.problems) == 3, found.problems
    mode, users, age = found.problems
    assert "mode 0755" in mode and "chmod 700" in mode
    assert "no users" in users and "registrar user add" in users
    assert "720 h ago" in age and "registrar refresh" in age
    assert main(["doctor", "--port", str(free_port())]) == 1
    out = capsys.readouterr().out
    assert out.count("PROBLEM:") == 2  # published just now: only the mode and the users


def test_the_registrar_rolls_back_on_the_page_after_a_confirm_and_a_dean_cannot(
        two_runs: TwoRuns, tmp_path: Path, at_home: callable) -> None:
    from streamlit.testing.v1 import AppTest

    from registrar.common.paths import PROJECT_DIR
    from tests.support.access import accounts, signed_in

    app = str(PROJECT_DIR / "dashboards" / "app.py")
    home = at_home(two_runs.copy(tmp_path))
    dean = signed_in(AppTest.from_file(app, default_timeout=60), "dean", home).run()
    dean.switch_page("views/status.py").run()
    assert not dean.exception
    assert not [b for b in dean.button if b.key and b.key.startswith("rollback")]

    at = signed_in(AppTest.from_file(app, default_timeout=60), "registrar", home).run()
    at.switch_page("views/status.py").run()
    assert not at.exception
    assert at.selectbox(key="rollback_run").value == two_runs.first
    at.button(key="rollback_start").click().run()
    assert file_digest(home.warehouse) == two_runs.second_sha  # asked to confirm first
    at.button(key="rollback_confirm").click().run()
    assert not at.exception
    assert file_digest(home.warehouse) == two_runs.first_sha
    entry = audit.read(home, events=["rollback"])[0]
    assert entry["what"] == two_runs.first and entry["user"] == accounts(home)["registrar"][0].name
