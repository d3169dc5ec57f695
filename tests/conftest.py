"""Shared fixtures: small real extracts and real published warehouses built from them."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
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


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def published_mini(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A data directory with the mini university refreshed and published (real dbt build)."""
    home = Home(tmp_path_factory.mktemp("home"))
    refresh(MINI, home, quiet)
    return home


def edit_csv(path: Path, fn: Callable[[list[list[str]]], list[list[str]]]) -> None:
    """Rewrite a UTF-8 comma CSV through `fn(rows)` (rows include the header)."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows = fn(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


Row = dict[str, str]


def edit_rows(path: Path, fn: Callable[[list[Row]], list[Row]]) -> None:
    """Rewrite a UTF-8 comma CSV through `fn(rows)`, each row keyed by its column names."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns, rows = list(reader.fieldnames or []), list(reader)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(fn(rows))
