"""The drop folder of the nightly refresh (`registrar refresh --from-drop DROP_DIR`): the office
copies each AIS export into a sub-folder of it; the refresh takes the newest complete one and
never one still being copied (docs/operations.md, rules C7).

An export is **complete** when its folder
- holds a file of every entity of the extract contract (`<entity>.csv` or `.xlsx`),
- holds no file a copy in progress leaves (PARTIAL_NAMES: `*.part`, `*.filepart`, `~$…`),
- and nothing in it (any file, the folder itself) was written, renamed or had its times set for
  `drop_quiet_minutes` (setting): its change time (ctime) counts as well as its modification
  time, because Windows Explorer, robocopy and `cp -p` keep the export's own modification time
  on a file they are still copying.

The **newest** export is the one whose extract files were modified (exported) last, then by
folder name. The newest complete export is refreshed unless a kept published warehouse was
already built from exactly these files (`registrar history`): a night with no new export does
nothing, and an export the registrar rolled back from is not published again by the timer.
"""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass, field
from pathlib import Path

from extract.contract import ENTITIES
from extract.load import locate_extracts, sha256_of
from policy import settings
from registrar.common.paths import Home
from registrar.pipeline import history

# names a copy or an open document leaves while it is not finished (browsers, WinSCP, rsync's
# `--partial-dir`, Office's lock files): such a folder is not complete
PARTIAL_NAMES = ("*.part", "*.partial", "*.tmp", "*.crdownload", "*.filepart", "*.!sync", "~$*", ".~lock.*")


class DropError(RuntimeError):
    """The drop folder cannot be read (missing, not a folder)."""


@dataclass(frozen=True)
class Export:
    """One sub-folder of the drop folder and what makes it complete or not."""

    folder: Path
    exported_at: float  # the latest modification time of its extract files (epoch seconds); 0 if none
    last_change: float  # the latest modification or change time of anything in it
    missing: tuple[str, ...] = ()  # entities without a file
    partial: tuple[str, ...] = ()  # files a copy in progress leaves
    problems: tuple[str, ...] = field(default=())  # why it is not complete, in words; empty = complete

    @property
    def complete(self) -> bool:
        return not self.problems


def quiet_minutes() -> float:
    """How long nothing in an export must have changed before it is taken (setting drop_quiet_minutes)."""
    return float(settings()["drop_quiet_minutes"])


def _times(path: Path) -> float:
    st = path.lstat()
    return max(st.st_mtime, st.st_ctime)


def inspect(folder: Path, now: float | None = None, quiet: float | None = None) -> Export:
    """Whether `folder` holds a complete export, and if not, why."""
    now = time.time() if now is None else now
    quiet = quiet_minutes() if quiet is None else quiet
    entries = [folder, *folder.rglob("*")]
    last_change = max(_times(p) for p in entries)
    partial = tuple(sorted(str(p.relative_to(folder)) for p in entries[1:]
                           if any(fnmatch.fnmatch(p.name, pattern) for pattern in PARTIAL_NAMES)))
    found, _defects = locate_extracts(folder)
    missing = tuple(sorted({e.name for e in ENTITIES if e.required} - set(found)))
    exported_at = max((p.stat().st_mtime for p in found.values()), default=0.0)
    problems = []
    if missing:
        problems.append(f"no file for {', '.join(missing)}")
    if partial:
        problems.append(f"a copy is unfinished ({', '.join(partial[:5])})")
    age_minutes = (now - last_change) / 60
    if age_minutes < quiet:
        problems.append(f"changed {max(age_minutes, 0):.1f} minutes ago, less than drop_quiet_minutes = {quiet:g}")
    return Export(folder, exported_at, last_change, missing, partial, tuple(problems))


def exports(drop_dir: Path, now: float | None = None, quiet: float | None = None) -> list[Export]:
    """Every export (sub-folder; hidden ones are skipped) of the drop folder, newest first."""
    if not drop_dir.is_dir():
        raise DropError(f"no drop folder {drop_dir}")
    found = [inspect(p, now, quiet) for p in drop_dir.iterdir()
             if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")]
    return sorted(found, key=lambda e: (e.exported_at, e.folder.name), reverse=True)


def checksum(folder: Path) -> str:
    """The extract checksum a refresh of `folder` records (history.folder_checksum)."""
    found, _defects = locate_extracts(folder)
    return history.folder_checksum([{"file": p.name, "sha256": sha256_of(p)} for p in found.values()])


@dataclass(frozen=True)
class Choice:
    """What the drop folder offers tonight: `export` to refresh (None: nothing to do, `reason` says
    why) and the newer exports passed over as incomplete."""

    export: Export | None
    reason: str
    passed_over: tuple[Export, ...] = ()


def choose(drop_dir: Path, home: Home, now: float | None = None, quiet: float | None = None) -> Choice:
    """The newest complete export of `drop_dir`, unless a kept published warehouse was built from it."""
    every = exports(drop_dir, now, quiet)
    passed_over = tuple(e for e in every if not e.complete)
    complete = [e for e in every if e.complete]
    if not complete:
        return Choice(None, f"no complete export in {drop_dir} ({len(every)} folder(s))", passed_over)
    newest = complete[0]
    newer_incomplete = tuple(e for e in passed_over if (e.exported_at, e.folder.name) > (newest.exported_at,
                                                                                          newest.folder.name))
    sha = checksum(newest.folder)
    published = next((r for r in history.runs(home) if r.extract_sha256 == sha), None)
    if published is not None:
        return Choice(None, f"the newest complete export {newest.folder.name} was published already "
                            f"(run {published.run_id}); nothing new", newer_incomplete)
    return Choice(newest, f"the newest complete export: {newest.folder}", newer_incomplete)


def unchanged_since(export: Export) -> bool:
    """Whether nothing in the export changed since it was inspected (checked again just before
    the refresh reads it)."""
    try:
        return max(_times(p) for p in [export.folder, *export.folder.rglob("*")]) <= export.last_change
    except FileNotFoundError:
        return False


__all__ = ["PARTIAL_NAMES", "Choice", "DropError", "Export", "checksum", "choose", "exports", "inspect",
           "quiet_minutes", "unchanged_since"]
