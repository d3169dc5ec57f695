"""The university's rules as configured for the warehouse: the vars of dbt_project.yml and
the grade-scale seed. Python that needs a rule (the expectation suites, the demo university)
reads it here, so each rule is set in one place, the same one dbt reads."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import yaml

from registrar.paths import PROJECT_DIR


def dbt_vars() -> dict[str, Any]:
    """The `vars:` of dbt_project.yml."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return dict(project.get("vars") or {})


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
    with (PROJECT_DIR / "seeds" / "grade_scale.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["scale_version"] == version]
    return tuple(
        ScaleLetter(r["letter_grade"], Decimal(r["grade_points"]), int(r["min_percent"]), int(r["max_percent"]),
                    r["is_passing"] == "true")
        for r in sorted(rows, key=lambda r: int(r["sort_order"]))
    )
