"""The dashboards' audit log (rules B30).

- `audit.jsonl` under $REGISTRAR_HOME: one JSON object a line, only ever appended (O_APPEND,
  one write a record, under a lock so that two server processes never interleave). Who, when
  (UTC), what happened and its parameters: sign-in, failed sign-in, sign-out, expired session,
  a refused page, the view of a named student, a download, a rollback to a kept warehouse, a
  refresh published past the publish guard, and the Data refresh page's uploads and the start and
  end of the refreshes started there (rules C7).
- When the file would grow past `audit_rotate_megabytes` (settings.yml), it is renamed
  `audit.<UTC time>.jsonl` and a new one begun; `read` reads on into the older files, newest
  first, and filters by event, user and what (issue 21 finding 6). Rotated files are kept: how
  long is the university's retention rule, not this program's.

The throttling of failed sign-ins is in throttle.py.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from policy import settings
from registrar.common.paths import Home

AUDIT_FILE = "audit.jsonl"
EVENTS = ("sign_in", "sign_in_failed", "sign_in_locked", "sign_out", "session_expired", "page_refused",
          "student_view", "download", "rollback", "drop_accepted", "session_revoked", "upload", "refresh_started",
          "refresh_finished")


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on a sidecar file, held while reading and writing `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# the audit log ----------------------------------------------------------------------------------

def audit_path(home: Home | None = None) -> Path:
    return (home or Home.from_env()).root / AUDIT_FILE


def rotate_bytes() -> int:
    """The size past which the audit log is rotated (setting audit_rotate_megabytes)."""
    return int(float(settings().get("audit_rotate_megabytes", 10)) * 1024 * 1024)


def rotated(home: Home | None = None) -> list[Path]:
    """The rotated audit files, newest first (their names sort by the time of rotation)."""
    path = audit_path(home)
    return sorted(path.parent.glob("audit.*.jsonl"), reverse=True)


def _rotate(path: Path) -> None:
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%fZ")
    os.replace(path, path.with_name(f"audit.{stamp}.jsonl"))


def record(event: str, user: str | None, what: str = "", home: Home | None = None, **params: Any) -> dict[str, Any]:
    """Append one event to the audit log and return it. `params` are the filters, the student,
    the file: what a reviewer needs to know what was seen."""
    if event not in EVENTS:
        raise ValueError(f"not an audit event: {event!r}")
    entry = {"at": utc_now().isoformat(timespec="milliseconds"), "event": event, "user": user, "what": what,
             "params": params}
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    path = audit_path(home)
    with file_lock(path):
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(line) > rotate_bytes():
            _rotate(path)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            end = os.lseek(fd, 0, os.SEEK_END)
            if end and os.pread(fd, 1, end - 1) != b"\n":
                line = b"\n" + line  # the last record was cut short (a crash): keep this one whole
            os.write(fd, line)
        finally:
            os.close(fd)
    return entry


def read(home: Home | None = None, limit: int | None = 1000, *, events: Collection[str] = (),
         user: str = "", what: str = "") -> list[dict[str, Any]]:
    """The latest `limit` events, newest first, from the log and on into its rotated files (a line
    cut short by a crash is skipped). Only `events` when given, and only those whose user and
    what hold the text `user` and `what` (ignoring case)."""
    user, what = user.strip().casefold(), what.strip().casefold()
    entries: list[dict[str, Any]] = []
    for path in (audit_path(home), *rotated(home)):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            continue
        for line in reversed(lines):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if ((events and entry.get("event") not in events) or user not in str(entry.get("user") or "").casefold()
                    or what not in str(entry.get("what") or "").casefold()):
                continue
            entries.append(entry)
            if limit is not None and len(entries) >= limit:
                return entries
    return entries
