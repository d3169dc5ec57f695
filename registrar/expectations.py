"""Great Expectations suites that guard the marts after the build (see expectations/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from registrar.checks import CheckOutcome

Progress = Callable[[str], None]


def run_suites(database: Path, progress: Progress = print) -> list[CheckOutcome]:
    """Run every suite of expectations/ on the built warehouse (none yet)."""
    return []
