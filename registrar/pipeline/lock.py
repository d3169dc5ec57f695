"""One refresh at a time: an exclusive lock on a file in the data directory.

The operating system drops the lock when the holder dies, even by SIGKILL, so a
killed refresh never blocks the next one. The file holds who holds it (pid, since when,
by whom) for the message that refuses a second refresh; `holder` reads it without taking
the lock, so that a page asking whether a refresh runs never makes one fail.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROC_LOCKS = Path("/proc/locks")


class RefreshBusy(RuntimeError):
    """Another refresh holds the lock."""


@contextmanager
def refresh_lock(path: Path, wait_seconds: float = 0.0, by: str = "") -> Iterator[None]:
    """Hold the refresh lock; wait up to `wait_seconds`, then refuse with RefreshBusy. `by` is who
    asked for it (written into the lock file with the pid and the time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 400, 0).decode(errors="replace").strip() or "unknown"
                    raise RefreshBusy(
                        f"another refresh is running ({holder}); wait for it to finish or use --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        text = f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}" + (f" by {by}" if by else "")
        os.pwrite(fd, text.encode(), 0)
        yield
    finally:
        os.close(fd)


_HOLDER = re.compile(r"pid (?P<pid>\d+) since (?P<since>\S+ \S+)(?: by (?P<by>[^);]+))?")


def describe(holder_text: str) -> dict[str, str]:
    """The pid, since (YYYY-MM-DD HH:MM:SS) and by (may be empty) of a holder's text, as found in the
    lock file or a RefreshBusy message; {} when the text says none."""
    found = _HOLDER.search(holder_text)
    return {k: v or "" for k, v in found.groupdict().items()} if found else {}


def _flocked(path: Path) -> bool | None:
    """Whether some process holds a flock on `path` now, from the kernel's lock table (Linux);
    None where there is no such table."""
    try:
        table = PROC_LOCKS.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    st = os.stat(path)
    where = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return any(len(f) > 5 and f[1] == "FLOCK" and f[5] == where for f in (line.split() for line in table.splitlines()))


def holder(path: Path) -> str | None:
    """Who holds the refresh lock now ("pid … since … by …"), or None when no one does. Reads the
    kernel's lock table rather than trying the lock, so it never blocks a refresh starting meanwhile;
    without the table, a holder whose pid is alive counts as holding it."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None
    held = _flocked(path)
    if held is None:
        parts = text.split()
        held = len(parts) > 1 and parts[0] == "pid" and parts[1].isdigit() and pid_alive(int(parts[1]))
    return (text or "unknown") if held else None


def pid_alive(pid: int) -> bool:
    """Whether a process of this pid exists (a zombie counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
