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
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from registrar.common.paths import Home
from registrar.pipeline.refresh import refresh
from tests.support.extracts import MINI, quiet

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
