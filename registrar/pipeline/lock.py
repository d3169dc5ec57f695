"""One refresh at a time: an exclusive lock on a file in the data directory.

The operating system drops the lock when the holder dies, even by SIGKILL, so a
killed refresh never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RefreshBusy(RuntimeError):
    """Another refresh holds the lock."""


@contextmanager
def refresh_lock(path: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the refresh lock; wait up to `wait_seconds`, then refuse with RefreshBusy."""
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
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown"
                    raise RefreshBusy(
                        f"another refresh is running ({holder}); wait for it to finish or use --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        yield
    finally:
        os.close(fd)
