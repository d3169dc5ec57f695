"""Published homes built once per test session and copied into every test (or module) that needs one.

A real refresh of even the mini university is a whole dbt build (a minute on a busy two-core
machine). Many tests only need "a home where that refresh was published" before they do the thing
they test (refresh again, kill a refresh, roll back, read): `published_once` builds such a home once
per `pytest` session, shared by the xdist workers through a file lock under the session's temporary
root, and `copy_home` gives each user its own copy, so that no test sees what another changed.
The template itself is never handed to a test.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from registrar.common.paths import Home
from registrar.pipeline.refresh import RefreshFailed, refresh
from tests.support.extracts import MINI, edit_rows, file_digest, quiet

# The demo university the dashboards' tests and others share (tests/conftest.py, published_demo: built
# once per session): several faculties, terms and years, so that every page has data.
DASHBOARD_DEMO = {"students": 400, "years": 3, "seed": 5}


def session_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this whole `pytest` run, shared by its xdist workers (each worker's
    own basetemp is a folder inside it); without xdist, the run's basetemp itself."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def copy_home(source: Home, target: Path) -> Home:
    """A copy of the home `source` at `target` (which must not exist), safe to spoil: files keep their
    modes and times, and files that are one file in the source (the served warehouse is a hard link to
    its kept run, history.py) are one file in the copy too, as a refresh would have left them."""
    copied: dict[tuple[int, int], str] = {}

    def copy(src: str, dst: str) -> str:
        st = os.stat(src)
        key = (st.st_dev, st.st_ino)
        if st.st_nlink > 1 and key in copied:
            os.link(copied[key], dst)
        else:
            shutil.copy2(src, dst)
            copied[key] = dst
        return dst

    shutil.copytree(source.root, target, symlinks=True, copy_function=copy)
    return Home(target)


def published_once(tmp_path_factory: pytest.TempPathFactory, name: str,
                   extracts: Callable[[Path], Path]) -> Home:
    """The home named `name` of this test session: `extracts(folder)` returns the extracts to refresh
    (writing them into `folder` if it makes them), refreshed and published once (real dbt build) by
    whichever worker asks first while the others wait. Copy it with `copy_home`; never change it."""
    root = session_root(tmp_path_factory) / "published_once"
    root.mkdir(exist_ok=True)
    place = root / name
    done = place / "published"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this worker dies
        if not done.exists():
            shutil.rmtree(place, ignore_errors=True)  # a build that failed in another worker
            place.mkdir()
            refresh(extracts(place / "extracts"), Home(place / "home"), quiet)
            done.touch()
    return Home(place / "home")


def mini_once(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """The mini university (tests/fixtures/mini) refreshed into a fresh home and published, once per
    session: copy it (`copy_home`) for a home whose last good warehouse is the mini's."""
    return published_once(tmp_path_factory, "mini", lambda _folder: MINI)


def demo_once(tmp_path_factory: pytest.TempPathFactory, students: int, years: int, seed: int) -> Home:
    """The demo university of this size and seed (demo/) refreshed and published, once per session:
    copy it (`copy_home`)."""
    from demo import write_demo

    def extracts(folder: Path) -> Path:
        write_demo(folder, students=students, years=years, seed=seed)
        return folder

    return published_once(tmp_path_factory, f"demo-{students}-{years}-{seed}", extracts)


@dataclass(frozen=True)
class Stopped:
    """A refresh that published nothing: the home it ran in (never hand it to a test: `copy_home` it),
    the step that stopped it and its report (RefreshFailed), and the digest of the warehouse that home
    served before it."""

    home: Home
    step: str
    report: str
    served_before: str


# the files of a published home the registrar's page reads: the served warehouse and its reports
SERVED_FILES = ("warehouse.duckdb", "quality_report.json", "last_refresh.json")


def stopped_once(tmp_path_factory: pytest.TempPathFactory, name: str, extracts: Callable[[Path], Path]) -> Stopped:
    """The refresh named `name` of this test session, of the extracts `extracts(folder)` writes into
    `folder`, in a home that serves the mini university's warehouse (its SERVED_FILES copied from
    `mini_once`): run once (real dbt build) by whichever worker asks first; it must stop (RefreshFailed),
    and an AssertionError says so when it published. For tests about the same stopped refresh, e.g. one
    that checks the stop and one that checks what the registrar's page shows of it."""
    served = mini_once(tmp_path_factory)
    root = session_root(tmp_path_factory) / "stopped_once"
    root.mkdir(exist_ok=True)
    place = root / name
    done = place / "stopped.json"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(place, ignore_errors=True)
            place.mkdir()
            home = Home(place / "home")
            home.root.mkdir()
            for file in SERVED_FILES:
                shutil.copy2(served.root / file, home.root / file)
            before = file_digest(home.warehouse)
            try:
                refresh(extracts(place / "extracts"), home, quiet)
            except RefreshFailed as failed:
                outcome = {"step": failed.step, "report": failed.report, "served_before": before}
            else:
                raise AssertionError(f"the refresh {name} published; it should have stopped")
            done.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    outcome = json.loads(done.read_text(encoding="utf-8"))
    return Stopped(Home(place / "home"), outcome["step"], outcome["report"], outcome["served_before"])


def orders_miss_a_status_once(tmp_path_factory: pytest.TempPathFactory) -> Stopped:
    """The mini university where the AIS record of S0002 says active, but order 215-С put S0002 on
    academic leave: the orders' replay does not reach the record, and the contingent check
    (assert_contingent_mismatches_within_tolerance, dbt build) stops the refresh. Once per session."""

    def extracts(folder: Path) -> Path:
        shutil.copytree(MINI, folder)
        edit_rows(folder / "students.csv",
                  lambda rows: [{**r, "status": "active"} if r["student_id"] == "S0002" else r for r in rows])
        return folder

    return stopped_once(tmp_path_factory, "orders-miss-a-status", extracts)
