"""What the refresh derives without running dbt: the extract README's contract tables and the build's memory limit."""

from __future__ import annotations

import pytest

from extract.contract_doc import BEGIN, END, render
from registrar.common.paths import PROJECT_DIR

pytestmark = pytest.mark.xdist_group("mini_refresh")


def test_extract_readme_shows_the_contract_as_enforced() -> None:
    readme = (PROJECT_DIR / "extract" / "README.md").read_text(encoding="utf-8")
    assert readme[readme.index(BEGIN): readme.index(END) + len(END)] == render()


def test_the_build_may_hold_four_times_the_extracts_within_the_machine() -> None:
    import os

    from registrar.pipeline.refresh import build_memory_limit

    assert build_memory_limit(16_000_000) == "3GiB"  # a university: the 3 GiB floor
    assert build_memory_limit(1_962_000_000) == "8GiB"  # the country's 2 GB of extracts
    machine_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    assert int(build_memory_limit(10**15).removesuffix("GiB")) <= 0.8 * machine_gib
