"""Helpers for tests that make or spoil extracts: the hand-written mini university, reading and
rewriting its CSV files, a file's digest, and a silent progress sink."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MINI = FIXTURES / "mini"


def quiet(_msg: str) -> None:
    """Progress sink for tests."""


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


Row = dict[str, str]


def read_rows(path: Path) -> list[Row]:
    """The data rows of a UTF-8 comma CSV, each keyed by its column name."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def edit_rows(path: Path, fn: Callable[[list[Row]], list[Row]]) -> None:
    """Rewrite a UTF-8 comma CSV through `fn(rows)`, each row a dict keyed by column name.

    The header written is the keys of the first row `fn` returns, in their order (so a key
    dropped from every row drops the column, a key added to every row adds one); with no row
    left, the header stays as it was.
    """
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


def mini_night_two(mini_dir: Path) -> None:
    """The mini university one night later (rules C8): three rows of its closed first term changed, each of
    another student (a corrected exam of S0001, a corrected recognition of S0002, an order of S0004
    back-dated), nothing else."""
    def corrected_exam(rows: list[Row]) -> list[Row]:
        for r in rows:
            if (r["student_id"], r["discipline_code"], r["attempt"]) == ("S0001", "HIS1101", "1"):
                r["exam"] = "82"
        return rows

    def corrected_score(rows: list[Row]) -> list[Row]:
        rows[0]["final_score"] = "88"
        return rows

    def back_dated(rows: list[Row]) -> list[Row]:
        for r in rows:
            if r["order_no"] == "180-С":
                r["effective_date"] = "2024-09-15"
        return rows

    edit_rows(mini_dir / "grades.csv", corrected_exam)
    edit_rows(mini_dir / "recognitions.csv", corrected_score)
    edit_rows(mini_dir / "orders.csv", back_dated)

