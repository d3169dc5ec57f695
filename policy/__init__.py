"""The university's rules as configured for the warehouse: the vars of dbt_project.yml and
the seeds (code lists and the grade scale). Python that needs a rule or a code list (the
extract contract, the expectation suites, the demo university) reads it here, so each rule
and code is set in one place, the same one dbt reads. The application's own settings (sign-in,
sessions, the dashboards' cell sizes, the university's names), which no model reads, are in
settings.yml (`settings()`).

This package is the lowest layer: it imports no other package of the project.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"


@cache
def _project() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))


def dbt_vars() -> dict[str, Any]:
    """The `vars:` of dbt_project.yml."""
    return dict(_project().get("vars") or {})


def seed_path(seed: str) -> Path:
    """The CSV file of a seed, e.g. `terms` → seeds/terms.csv."""
    return SEEDS_DIR / f"{seed}.csv"


@cache
def seed_rows(seed: str) -> tuple[dict[str, str], ...]:
    """Every row of a seed as read from its CSV (text values, header as keys)."""
    with seed_path(seed).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def codes(seed: str, column: str) -> tuple[str, ...]:
    """The distinct codes a seed lists in `column`, in file order."""
    return tuple(dict.fromkeys(r[column] for r in seed_rows(seed) if r[column] != ""))


@dataclass(frozen=True)
class ScaleLetter:
    """One letter of the grade scale: its GPA points and the rounded final scores that earn it."""

    letter: str
    points: Decimal
    min_percent: int
    max_percent: int
    is_passing: bool


@cache
def grade_scale() -> tuple[ScaleLetter, ...]:
    """The letters of the scale version in use (seed grade_scale, var grade_scale_version), best first."""
    version = str(dbt_vars()["grade_scale_version"])
    rows = [r for r in seed_rows("grade_scale") if r["scale_version"] == version]
    return tuple(
        ScaleLetter(r["letter_grade"], Decimal(r["grade_points"]), int(r["min_percent"]), int(r["max_percent"]),
                    r["is_passing"] == "true")
        for r in sorted(rows, key=lambda r: int(r["sort_order"]))
    )


SETTINGS_FILE = PROJECT_DIR / "settings.yml"


@cache
def _settings() -> dict[str, Any]:
    return dict(yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8")) or {})


def settings() -> dict[str, Any]:
    """The application's settings (settings.yml): sign-in, sessions, what the dashboards show and
    the university's names. Unlike the vars, no model reads them; they configure the programs."""
    return dict(_settings())
