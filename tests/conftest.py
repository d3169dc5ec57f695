"""Shared fixtures: small real extracts and real published warehouses built from them."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from registrar.paths import Home
from registrar.pipeline import refresh

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"


def quiet(_msg: str) -> None:
    """Progress sink for tests."""


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A fresh copy of the hand-written mini university, safe to spoil."""
    target = tmp_path / "extracts"
    shutil.copytree(MINI, target)
    return target


# The dashboards' tests share one small demo university (run them in xdist_group "dashboards"
# so that it is built once): several faculties, terms and years, so that every page has data.
DASHBOARD_DEMO = {"students": 400, "years": 3, "seed": 5}


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A data directory with a small demo university refreshed and published (real dbt build)."""
    from demo import write_demo

    root = tmp_path_factory.mktemp("demo_home")
    write_demo(root / "extracts", **DASHBOARD_DEMO)
    home = Home(root / "home")
    refresh(root / "extracts", home, quiet)
    return home


@pytest.fixture(scope="session")
def served_demo(published_demo: Home) -> Iterator[str]:
    """The real dashboards server on the small demo; yields its base URL."""
    from tests.browser import serve

    with serve(published_demo.root) as url:
        yield url


@pytest.fixture
def dashboard_as_registrar(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTests of the dashboards run signed in as the registrar (dashboards/auth.py honours
    REGISTRAR_DASHBOARD_AUTH=off only inside AppTest; a served app never does). Other roles and
    the browser sign in through the form: tests/access.py."""
    monkeypatch.setenv("REGISTRAR_DASHBOARD_AUTH", "off")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def published_mini(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A data directory with the mini university refreshed and published (real dbt build)."""
    home = Home(tmp_path_factory.mktemp("home"))
    refresh(MINI, home, quiet)
    return home


Row = dict[str, str]


def read_rows(path: Path) -> list[Row]:
    """The data rows of a UTF-8 comma CSV, each keyed by its column name."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def edit_rows(path: Path, fn: Callable[[list[Row]], list[Row]]) -> None:
    """Rewrite a UTF-8 comma CSV through `fn(rows)`, each row a dict keyed by column name.

    The header written is the keys of the first row `fn` returns, in their order (so a key
    dropped from every row drops the column, a key added to every row adds one); with no row
    left, the header stays as it was.
    """
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    rows = fn(rows)
    columns = list(rows[0]) if rows else header
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
