"""A refresh never breaks what is served: killed at any step, run twice at once, or read
while it runs. Real subprocesses, real SIGKILL, real DuckDB files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from dashboards.data import Warehouse
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.extracts import MINI, edit_rows, file_digest
from tests.support.homes import copy_home, mini_once

pytestmark = pytest.mark.xdist_group("reliability")


def bigger_mini(target: Path) -> Path:
    """The mini university with a third faculty: tells the new build from the old one."""
    shutil.copytree(MINI, target)
    engineering = {"faculty_code": "ENG", "name_kk": "Инженерия факультеті", "name_ru": "Инженерный факультет",
                   "name_en": "Engineering"}
    edit_rows(target / "faculties.csv", lambda rows: [*rows, engineering])
    return target


def start_refresh(extract_dir: Path, home: Home, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "REGISTRAR_HOME": str(home.root), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "registrar.cli", "refresh", str(extract_dir), *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=PROJECT_DIR,  # `python -m` imports this checkout's code first
    )


def wait_for_line(proc: subprocess.Popen[str], marker: str, timeout: float = 120) -> str:
    """Read the refresh's output until a line holds `marker`."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return line
    raise AssertionError(f"never saw {marker!r}; output:\n{''.join(seen)}")


def faculties_served(home: Home) -> int:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return int(con.execute("select count(*) from staging.stg_ais__faculties").fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A data directory serving the mini university (a copy of the session's refresh of it,
    tests/support/homes.py); tests leave it serving 2 or 3 faculties."""
    return copy_home(mini_once(tmp_path_factory), tmp_path_factory.mktemp("served") / "home")


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Extract folders by the number of faculties they hold."""
    return {2: MINI, 3: bigger_mini(tmp_path_factory.mktemp("x") / "newer")}


@pytest.mark.parametrize("marker,delay", [
    ("[1/4] validate and load extracts …", 0.0),
    ("[2/4] dbt build (models and tests) …", 1.5),
    ("[3/4] quality checks …", 0.0),
    ("[4/4] publish …", 0.0),
])
def test_killed_refresh_leaves_the_last_good_warehouse(
    served: Home, extracts: dict[int, Path], marker: str, delay: float
) -> None:
    old = faculties_served(served)
    new = 5 - old  # the other one of 2 and 3
    newer = extracts[new]
    before = file_digest(served.warehouse)
    proc = start_refresh(newer, served)
    wait_for_line(proc, marker)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # Killed before the rename: the old file, byte for byte. Killed inside publish: old or new,
    # never anything in between, and it opens.
    served_now = faculties_served(served)
    if marker.startswith("[4/4]"):
        assert served_now in (old, new)
    else:
        assert file_digest(served.warehouse) == before
        assert served_now == old
    # The next refresh is not blocked by the dead one and publishes.
    again = start_refresh(newer, served)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert faculties_served(served) == new


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped running; only its exit status waits to be read


def test_killing_the_refresh_stops_its_dbt_build(served: Home, extracts: dict[int, Path]) -> None:
    """SIGKILL of `registrar refresh` during the build must not leave dbt running as an orphan."""
    newer = extracts[5 - faculties_served(served)]
    proc = start_refresh(newer, served)
    wait_for_line(proc, "[2/4] dbt build (models and tests) …")
    deadline = time.monotonic() + 30
    while not (dbt := [c for c in _children(proc.pid)
                       if "dbt" in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")]):
        assert time.monotonic() < deadline, "the refresh started no dbt process"
        time.sleep(0.05)
    assert _alive(dbt[0])
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(dbt[0]):
        assert time.monotonic() < deadline, f"dbt (pid {dbt[0]}) outlived the killed refresh"
        time.sleep(0.05)


def test_readers_keep_answering_through_two_refreshes_and_a_third_refuses(
    served: Home, extracts: dict[int, Path]
) -> None:
    """Readers never see an error or a mix while two refreshes publish one after the other; a refresh
    started without --wait while one runs refuses (exit 3) and the one running is not disturbed."""
    old = faculties_served(served)
    new = 5 - old
    newer = extracts[new]
    warehouse = Warehouse(served.warehouse)
    errors: list[str] = []
    answers: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                frame = warehouse.query("select count(*) as n from staging.stg_ais__faculties")
                answers.append(int(frame["n"].iloc[0]))
            except Exception as exc:  # any failure is a reader error the test counts
                errors.append(repr(exc))
            time.sleep(0.02)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        first = start_refresh(newer, served)
        wait_for_line(first, "[1/4]")
        refused = start_refresh(MINI, served)
        out, _ = refused.communicate(timeout=120)
        assert refused.returncode == 3, out
        assert "another refresh is running" in out
        second = start_refresh(newer, served, "--wait", "300")  # waits for the first, never interleaves
        for proc in (first, second):
            out, _ = proc.communicate(timeout=300)
            assert proc.returncode == 0, out
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert answers[0] == old and answers[-1] == new
    assert set(answers) <= {old, new}
    warehouse.close()
