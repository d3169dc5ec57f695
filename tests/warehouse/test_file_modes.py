"""Personal data is the server account's only (issue 21 finding 4): after a refresh, the data
directory is 0700 and every folder under it 0700, every file 0600 (the warehouse, the archived
extracts, the load log, the quality report), whatever umask the account has; a report that
`registrar report` writes is 0600 too."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from registrar.cli import main
from registrar.common.paths import Home
from registrar.pipeline.refresh import refresh
from tests.support.extracts import MINI, quiet


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The umask of an ordinary account (022: files readable by everyone), restored after."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def modes(root: Path) -> dict[str, int]:
    """Every path under `root` (and root itself, as "."), with its permission bits."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


@pytest.mark.usefixtures("open_umask")
def test_a_refresh_and_a_written_report_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extracts = tmp_path / "extracts"
    extracts.mkdir(mode=0o755)
    for source in MINI.iterdir():  # extracts as the AIS leaves them: readable by everyone
        (extracts / source.name).write_bytes(source.read_bytes())
        os.chmod(extracts / source.name, 0o644)
    home = Home(tmp_path / "home")
    home.root.mkdir(mode=0o755)
    (home.root / "left_by_an_old_version.json").write_text("{}")
    os.chmod(home.root / "left_by_an_old_version.json", 0o644)
    refresh(extracts, home, quiet)

    found = modes(home.root)
    assert {"warehouse.duckdb", "load_log.jsonl", "quality_report.json"} <= set(found)
    assert any(p.startswith("archive/") and p.endswith("students.csv") for p in found)
    folders = {p for p in found if (home.root / p).is_dir()}
    readable = {p: oct(m) for p, m in found.items() if m & 0o077}
    assert not readable, readable
    assert all(found[p] == 0o700 for p in folders), {p: oct(found[p]) for p in folders}

    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    out = tmp_path / "out" / "transcript.csv"
    assert main(["report", "transcript", "--student", "S0001", "--format", "csv", "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
