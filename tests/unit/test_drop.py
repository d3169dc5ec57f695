"""The drop folder of the nightly refresh (registrar/pipeline/drop.py, `registrar refresh --from-drop`):
the newest complete export is taken; one missing a file, holding a file of a copy in progress, or
changed within `drop_quiet_minutes` (its change time counts, not only the modification time a copy
keeps) is never taken; an export already published is not published again."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from registrar import cli
from registrar.common.paths import WAREHOUSE_NAME, Home
from registrar.pipeline import drop, history
from tests.support.extracts import MINI

QUIET = drop.quiet_minutes()
LATER = QUIET * 60 + 60  # seconds after which a folder copied now is settled


def export(drop_dir: Path, name: str, exported_at: float) -> Path:
    """A copy of the mini university's eleven files as one export, its files modified at `exported_at`
    (as a copy that keeps the AIS's modification times leaves them)."""
    folder = drop_dir / name
    shutil.copytree(MINI, folder)
    for path in folder.iterdir():
        os.utime(path, (exported_at, exported_at))
    return folder


def settled() -> float:
    """A moment at which everything written now has been quiet for longer than the setting."""
    return time.time() + LATER


def test_the_newest_complete_export_is_taken(tmp_path: Path) -> None:
    day = 86_400
    export(tmp_path / "drop", "b-older-by-time", time.time() - 3 * day)
    newest = export(tmp_path / "drop", "a-newer-by-time", time.time() - 2 * day)
    choice = drop.choose(tmp_path / "drop", Home(tmp_path / "home"), now=settled())
    assert choice.export is not None and choice.export.folder == newest  # by export time, not by name
    assert choice.export.complete and not choice.passed_over


def test_an_export_missing_a_file_or_holding_a_partial_one_is_not_complete(tmp_path: Path) -> None:
    missing = export(tmp_path / "drop", "missing", time.time() - 3600)
    (missing / "grades.csv").unlink()
    partial = export(tmp_path / "drop", "partial", time.time() - 3600)
    (partial / "grades.csv").rename(partial / "grades.csv.part")
    (partial / "grades.csv").write_text("student_id\n", encoding="utf-8")  # what a copy has written so far
    office = export(tmp_path / "drop", "open-in-excel", time.time() - 3600)
    (office / "~$students.xlsx").write_bytes(b"")
    found = {e.folder.name: e for e in drop.exports(tmp_path / "drop", now=settled())}
    assert not found["missing"].complete and found["missing"].missing == ("grades",)
    assert "no file for grades" in found["missing"].problems[0]
    assert not found["partial"].complete and found["partial"].partial == ("grades.csv.part",)
    assert not found["open-in-excel"].complete and found["open-in-excel"].partial == ("~$students.xlsx",)
    choice = drop.choose(tmp_path / "drop", Home(tmp_path / "home"), now=settled())
    assert choice.export is None and "no complete export" in choice.reason


def test_an_export_still_being_copied_is_not_taken_even_with_old_modification_times(tmp_path: Path) -> None:
    """A copy that keeps the files' modification times (Explorer, robocopy, cp -p) leaves them old
    while it writes: their change time says the copy is recent."""
    older = export(tmp_path / "drop", "2026-11-24", time.time() - 2 * 86_400)
    copying = export(tmp_path / "drop", "2026-11-25", time.time() - 86_400)  # written now, mtimes of yesterday
    for folder in (older, copying):
        assert all(p.stat().st_mtime < time.time() - 3600 for p in folder.iterdir())
    found = {e.folder.name: e for e in drop.exports(tmp_path / "drop")}
    assert not found["2026-11-25"].complete
    assert "changed 0." in found["2026-11-25"].problems[0] and "drop_quiet_minutes" in found["2026-11-25"].problems[0]
    # once both are settled, the newer is taken; a moment before, neither is
    assert drop.choose(tmp_path / "drop", Home(tmp_path / "home")).export is None
    assert drop.choose(tmp_path / "drop", Home(tmp_path / "home"), now=settled()).export.folder == copying


def test_a_newer_incomplete_export_is_passed_over_for_the_older_complete_one(tmp_path: Path) -> None:
    complete = export(tmp_path / "drop", "2026-11-24", time.time() - 2 * 86_400)
    half = export(tmp_path / "drop", "2026-11-25", time.time() - 86_400)
    (half / "orders.csv").unlink()
    choice = drop.choose(tmp_path / "drop", Home(tmp_path / "home"), now=settled())
    assert choice.export is not None and choice.export.folder == complete
    assert [e.folder for e in choice.passed_over] == [half]


def published(home: Home, folder: Path, run_id: str) -> None:
    """A kept published run built from `folder`'s files (what `registrar history` reads)."""
    target = home.published / run_id
    target.mkdir(parents=True)
    (target / WAREHOUSE_NAME).write_bytes(b"")
    record = history.RunRecord(run_id, "2026-11-25T02:00:00", str(folder), drop.checksum(folder), "registrar")
    (target / history.RECORD).write_text(record.as_json(), encoding="utf-8")


def test_an_export_published_already_is_not_published_again(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    folder = export(tmp_path / "drop", "2026-11-25", time.time() - 86_400)
    published(home, folder, "20261125T020000Z")
    choice = drop.choose(tmp_path / "drop", home, now=settled())
    assert choice.export is None and "published already" in choice.reason
    # the same export with one file changed is new
    with (folder / "students.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert drop.choose(tmp_path / "drop", home, now=settled()).export is not None


def run_cli(monkeypatch: pytest.MonkeyPatch, home: Path, argv: list[str]) -> tuple[int, list[Path]]:
    """`registrar ARGV` with the refresh itself replaced: its exit code and the folders it would refresh."""
    from registrar.pipeline import refresh as refresh_module

    monkeypatch.setenv("REGISTRAR_HOME", str(home))
    asked: list[Path] = []

    class Outcome:
        run_id, accepted_drops, seconds = "run", [], {"all": 0.0}

    monkeypatch.setattr(refresh_module, "refresh", lambda extract_dir, *a, **k: asked.append(extract_dir) or Outcome)
    return cli.main(argv), asked


def test_refresh_from_drop_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    home, drop_dir = tmp_path / "home", tmp_path / "drop"
    # no drop folder: a wrong command line
    assert run_cli(monkeypatch, home, ["refresh", "--from-drop", str(drop_dir)]) == (2, [])
    assert "no drop folder" in capsys.readouterr().err
    # either a folder or a drop folder
    assert run_cli(monkeypatch, home, ["refresh", str(MINI), "--from-drop", str(drop_dir)])[0] == 2
    assert run_cli(monkeypatch, home, ["refresh"])[0] == 2
    # only an export still being copied: nothing done, exit 0, and it says why
    export(drop_dir, "2026-11-25", time.time() - 86_400)
    assert run_cli(monkeypatch, home, ["refresh", "--from-drop", str(drop_dir)]) == (0, [])
    out = capsys.readouterr().out
    assert "not complete, left for a later run: 2026-11-25" in out and "no complete export" in out
    # settled: refreshed from that folder
    later = settled()
    monkeypatch.setattr(drop.time, "time", lambda: later)
    assert run_cli(monkeypatch, home, ["refresh", "--from-drop", str(drop_dir)]) == (0, [drop_dir / "2026-11-25"])
