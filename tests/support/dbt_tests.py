"""The project's singular dbt tests (tests/dbt/<tier>/) and their yml entries."""

from __future__ import annotations

import yaml

from registrar.common.paths import PROJECT_DIR

TIERS = ("configuration", "integrity", "values")
SINGULAR = PROJECT_DIR / "tests" / "dbt"


def singular_tests() -> dict[str, dict]:
    """Every singular test's yml entry, by test name."""
    entries: dict[str, dict] = {}
    for path in sorted(SINGULAR.rglob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["data_tests"]:
            entries[entry["name"]] = {**entry, "yml": path}
    return entries
