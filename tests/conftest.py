"""Shared fixtures: small real extracts and real published warehouses built from them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from registrar.common.paths import Home
from tests.support.extracts import MINI
from tests.support.homes import DASHBOARD_DEMO, copy_home, demo_once, mini_once
from tests.support.students import Student, known_student

UNIT_TIER = Path(__file__).resolve().parent / "unit"


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A fresh copy of the hand-written mini university, safe to spoil."""
    target = tmp_path / "extracts"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A data directory with a small demo university refreshed and published (real dbt build, once per
    session: each worker gets its own copy)."""
    return copy_home(demo_once(tmp_path_factory, **DASHBOARD_DEMO), tmp_path_factory.mktemp("demo_home") / "home")


@pytest.fixture(scope="session")
def served_demo(published_demo: Home) -> Iterator[str]:
    """The real dashboards server on the small demo; yields its base URL."""
    from tests.support.browser import serve

    with serve(published_demo.root) as url:
        yield url


@pytest.fixture
def dashboard_as_registrar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest the test makes starts signed in as the registrar of $REGISTRAR_HOME (as it is
    when the AppTest is made), through a session record and the session state (tests/support/access.py
    `signed_in`): the app checks them and the users file like any other. Other roles and the browser sign in
    through the form (tests/support/access.py)."""
    from streamlit.testing.v1 import AppTest

    from tests.support.access import signed_in

    made = AppTest.from_file

    def from_file(*args: object, **kwargs: object) -> AppTest:
        return signed_in(made(*args, **kwargs), "registrar", Home.from_env())

    monkeypatch.setattr(AppTest, "from_file", from_file)


@pytest.fixture(autouse=True)
def apptest_fails_on_exception(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest run of the warehouse and browser tiers fails when the app raised
    (tests/support/apptest.py); the unit tier never imports Streamlit."""
    if UNIT_TIER in Path(str(request.node.path)).parents:
        return
    from streamlit.testing.v1 import AppTest

    from tests.support.apptest import failing_on_exception

    monkeypatch.setattr(AppTest, "_run", failing_on_exception(AppTest._run))


@pytest.fixture(scope="session")
def published_mini(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A data directory with the mini university refreshed and published (real dbt build)."""
    return copy_home(mini_once(tmp_path_factory), tmp_path_factory.mktemp("home") / "home")


@pytest.fixture(scope="session")
def known(published_demo: Home) -> Student:
    """A student of the shared demo with results, several orders and a surname whose passport spelling
    is not its search key (tests/support/students.py)."""
    return known_student(published_demo)


# The modules that take the longest (each several real refreshes or a bench run), slowest first.
# `make test` hands whole files to two workers in the order collected (--dist loadfile
# --no-loadscope-reorder): these start first and the many quick unit tests come last, so both
# workers finish together instead of one running a two-minute module alone at the end.
SLOWEST_FIRST = (
    "warehouse/test_reliability.py",
    "warehouse/test_bench.py",
    "warehouse/test_history.py",
    "warehouse/test_quality_tiers.py",
    "browser/test_upload.py",
    "warehouse/test_reports_lists.py",
    "warehouse/test_refresh.py",
    "warehouse/test_academic.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest modules first, the unit tier last; each module's tests keep their order."""
    here = Path(__file__).resolve().parent

    def rank(item: pytest.Item) -> int:
        path = Path(str(item.path))
        name = path.relative_to(here).as_posix() if here in path.parents else ""
        if name in SLOWEST_FIRST:
            return SLOWEST_FIRST.index(name)
        return len(SLOWEST_FIRST) + (UNIT_TIER in path.parents)

    items.sort(key=rank)  # stable: the order within each module and among the rest stays
