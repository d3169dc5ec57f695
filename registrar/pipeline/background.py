"""A refresh started from the Data refresh page, run as its own process (a new session), so that it
goes on when the browser tab is closed or the dashboards' server restarts.

- `start` refuses while a refresh holds the lock (with who started it and when), then launches
  `registrar refresh EXTRACT_DIR --started-by USER [--accept-drop]` (`python -m registrar.cli`), its
  output in `background/<time>.log` under the data directory, and notes the launch
  (`refresh_started.json`) so that a page opened later knows of it before it takes the lock.
- That process is the CLI's refresh: refresh.py keeps `refresh_status.json` up to date under the
  lock, and the CLI records its end in the audit log (`refresh_finished`).
- `job` tells the page what is going on: running (with its progress), starting, or the last one's
  outcome, including a launch that ended without running (its log's last lines say why).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from registrar.common.paths import PROJECT_DIR, Home, private_files
from registrar.pipeline import guard, lock
from registrar.pipeline.refresh import read_status

LAUNCH_FILE = "refresh_started.json"
LOG_DIR = "background"
KEEP_LOGS = 20


@dataclass
class Job:
    """What the page shows of refreshes: `state` is running, starting, or the last one's outcome
    (published, held, failed), or "vanished" (a launch that ended without a status of its own, or a
    refresh that died without writing its end); "none" when there was never one."""

    state: str
    holder: str = ""  # the lock's holder while running: "pid … since … by …"
    status: dict[str, object] = field(default_factory=dict)  # refresh_status.json
    launch: dict[str, object] = field(default_factory=dict)  # refresh_started.json
    log_tail: str = ""

    @property
    def running(self) -> bool:
        return self.state in ("running", "starting")


def _read_json(path: Path) -> dict[str, object]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def _alive(pid: object) -> bool:
    return isinstance(pid, int) and lock.pid_alive(pid) and not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def log_tail(path: object, lines: int = 12) -> str:
    try:
        return "\n".join(Path(str(path)).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def job(home: Home) -> Job:
    """What runs now or ran last (see Job)."""
    status = read_status(home) or {}
    launch = _read_json(home.root / LAUNCH_FILE)
    holder = lock.holder(home.lock)
    if holder is not None:
        return Job("running", holder, status, launch)
    own = bool(launch) and launch.get("pid") == status.get("pid")  # the status is the launch's own
    if launch and not own and _alive(launch.get("pid")):
        return Job("starting", "", status, launch)
    if launch and not own and str(launch.get("at", "")) > str(status.get("started_at", "")):
        return Job("vanished", "", status, launch, log_tail(launch.get("log")))  # e.g. refused: busy
    if not status:
        return Job("none", "", status, launch)
    if status.get("state") == "running":  # without the lock: it died (killed, the machine restarted)
        return Job("vanished", "", status, launch, log_tail(launch.get("log")) if own else "")
    return Job(str(status.get("state")), "", status, launch)


@dataclass
class HeldBuild:
    """The build the publish guard holds: the folder of extracts it was made from (a refresh of it
    with accept_drop publishes it without building again) and each figure before and after."""

    extract_dir: Path
    pairs: list[guard.Drop]
    drops: list[guard.Drop]


def held_build(home: Home) -> HeldBuild | None:
    """The held build, compared again with the warehouse served now (it may have changed), or None."""
    from registrar.pipeline.refresh import HELD_META, published_figures

    held = _read_json(home.held / HELD_META)
    if not held:
        return None
    record = held.get("record") or {}
    before = published_figures(home)
    pairs, drops = ([], []) if before is None else guard.compare(before, guard.Figures.from_dict(held["figures"]))
    return HeldBuild(Path(str(record.get("extract_dir", ""))), pairs, drops)


def start(home: Home, extract_dir: Path, user: str, accept_drop: bool = False) -> int:
    """Launch a refresh of `extract_dir` for `user` in its own process; its pid. RefreshBusy, naming
    who started the running one and when, while a refresh (or a rollback) holds the lock."""
    held = lock.holder(home.lock)
    if held is not None:
        raise lock.RefreshBusy(f"another refresh is running ({held})")
    home.ensure()
    logs = home.root / LOG_DIR
    logs.mkdir(mode=0o700, exist_ok=True)
    now = dt.datetime.now()
    log = logs / f"{now:%Y%m%dT%H%M%S%f}.log"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "registrar.cli", "refresh", str(extract_dir), "--started-by", user,
             *(["--accept-drop"] if accept_drop else [])],
            cwd=PROJECT_DIR, env={**os.environ, "REGISTRAR_HOME": str(home.root)},
            stdin=subprocess.DEVNULL, stdout=fd, stderr=subprocess.STDOUT, start_new_session=True,
        )
    finally:
        os.close(fd)
    threading.Thread(target=proc.wait, daemon=True).start()  # reap it when it ends (no zombie)
    launch = {"pid": proc.pid, "by": user, "at": now.isoformat(timespec="seconds"), "log": str(log),
              "extract_dir": str(extract_dir), "accept_drop": accept_drop}
    tmp = home.root / f".{LAUNCH_FILE}.tmp"
    with private_files():
        tmp.write_text(json.dumps(launch, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, home.root / LAUNCH_FILE)
    for old in sorted(logs.glob("*.log"), reverse=True)[KEEP_LOGS:]:
        old.unlink(missing_ok=True)
    return proc.pid
