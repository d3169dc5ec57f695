"""`registrar doctor`: is this install fit to run? Each check says what it found; each problem
says what to fix, one line each (docs/operations.md).

Checked: Python and the pinned packages against the project's pins, the data directory's
permissions, free disk for a refresh and the kept warehouses, the dashboards' port, the users,
the age of the last published refresh and the outcome of the last refresh.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import sys
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from policy import settings
from registrar.common.paths import Home
from registrar.pipeline import history

DISTRIBUTION = "registrar-warehouse"
NOTES_SHOWN = 10


@dataclass
class Diagnosis:
    ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return ([f"ok: {m}" for m in self.ok] + [f"note: {m}" for m in self.notes]
                + [f"PROBLEM: {m}" for m in self.problems]
                + [f"{len(self.problems)} problem(s)" if self.problems else "No problem found"])


def check_versions(d: Diagnosis) -> None:
    """Python and every pinned package (the project's dependencies) as pinned."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
        requires = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        d.problems.append(f"{DISTRIBUTION} is not installed in {sys.prefix}: run `make install` (pip install -e .)")
        return
    python = ".".join(map(str, sys.version_info[:3]))
    wanted_python = meta.get("Requires-Python") or ""
    if wanted_python and python not in SpecifierSet(wanted_python):
        d.problems.append(f"Python {python} is not {wanted_python}: install a Python of that range and reinstall")
    else:
        d.ok.append(f"Python {python}")
    wrong = []
    for spec in requires:
        req = Requirement(spec)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # an optional (dev) dependency
        try:
            found = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{req.name} missing (wants {req.specifier})")
            continue
        if found not in req.specifier:
            wrong.append(f"{req.name} {found} (wants {req.specifier})")
    for w in wrong:
        d.problems.append(f"package {w}: reinstall with `pip install -r requirements.lock -e .`")
    if not wrong:
        d.ok.append(f"{sum(1 for s in requires if 'extra ==' not in s)} pinned packages as pinned")


def check_home(home: Home, d: Diagnosis) -> None:
    """The data directory exists and is the account's only (0700), and nothing in it is open to others."""
    if not home.root.is_dir():
        d.problems.append(f"no data directory {home.root}: set REGISTRAR_HOME or run `registrar refresh` once")
        return
    mode = home.root.stat().st_mode & 0o777
    if mode & 0o077:
        d.problems.append(f"data directory {home.root} is mode {mode:04o}, open to other accounts: "
                          f"`chmod 700 {home.root}` (a refresh also makes everything under it private)")
    else:
        d.ok.append(f"data directory {home.root} is private ({mode:04o})")
    opened = []
    for folder, dirs, files in os.walk(home.root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            if not os.path.islink(path) and os.stat(path).st_mode & 0o077:
                opened.append(path)
    if opened:
        d.problems.append(f"{len(opened)} file(s) under the data directory open to other accounts (e.g. "
                          f"{opened[0]}): `chmod -R go-rwx {home.root}`")


def check_disk(home: Home, d: Diagnosis) -> None:
    """Free space for a refresh's build and the kept warehouses: the warehouse size × (published_keep + 2)."""
    if not home.warehouse.exists():
        return
    size = home.warehouse.stat().st_size
    keep = history.keep_count()
    wanted = size * (keep + 2)
    free = shutil.disk_usage(home.root).free
    gib = 2 ** 30
    if free < wanted:
        d.problems.append(f"{free / gib:.1f} GiB free on the disk of {home.root}, under the {wanted / gib:.1f} GiB "
                          f"a refresh and {keep} kept warehouses of {size / gib:.2f} GiB may take: free space, "
                          "or lower the setting published_keep")
    else:
        d.ok.append(f"{free / gib:.1f} GiB free (a refresh and {keep} kept warehouses want up to "
                    f"{wanted / gib:.1f} GiB)")


def check_port(address: str, port: int, d: Diagnosis) -> None:
    """The dashboards' port is free, or served by the dashboards (Streamlit's health check answers)."""
    try:
        with socket.create_connection((address, port), timeout=2):
            pass
    except OSError:
        d.ok.append(f"port {port} on {address} is free for `registrar serve`")
        return
    try:
        host = f"[{address}]" if ":" in address else address
        with urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=3) as answer:  # noqa: S310
            if answer.read().strip() == b"ok":
                d.ok.append(f"port {port} on {address} is served by the dashboards")
                return
    except OSError:
        pass
    d.problems.append(f"port {port} on {address} is taken by another program: stop it, or serve on another "
                      "port (`registrar serve --port N`, and `registrar doctor --port N`)")


def check_users(roles: list[str], d: Diagnosis) -> None:
    if not roles:
        d.problems.append("no users: nobody can sign in; add one with `registrar user add NAME --role registrar`")
    elif "registrar" not in roles:
        d.problems.append("no user with the registrar role (who reads the checks and the audit log): "
                          "`registrar user add NAME --role registrar`")
    else:
        d.ok.append(f"{len(roles)} user(s), {roles.count('registrar')} registrar(s)")


def max_age_hours() -> float:
    return float(settings().get("doctor_refresh_max_age_hours", 48))


def check_last_refresh(home: Home, d: Diagnosis, now: dt.datetime) -> None:
    """The served warehouse is recent; the last refresh published, and its warnings are listed."""
    current = history.current_record(home)
    if current is not None:
        published = dt.datetime.fromisoformat(current.published_at)
    elif home.warehouse.exists():
        published = dt.datetime.fromtimestamp(home.warehouse.stat().st_mtime)
    else:
        d.problems.append("no published warehouse: run `registrar refresh EXTRACT_DIR`")
        return
    age = (now - published).total_seconds() / 3600
    if age > max_age_hours():
        d.problems.append(f"the served warehouse was published {published:%Y-%m-%d %H:%M}, {age:.0f} h ago (more "
                          f"than doctor_refresh_max_age_hours = {max_age_hours():g}): check the nightly refresh "
                          "(`systemctl status registrar-refresh.timer`) or run `registrar refresh EXTRACT_DIR`")
    else:
        d.ok.append(f"served warehouse published {published:%Y-%m-%d %H:%M} ({age:.0f} h ago)")
    try:
        last = json.loads(home.last_refresh.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return
    if last.get("outcome") == "held":
        d.problems.append(f"the last refresh (run {last.get('run_id')}) was held by the publish guard (rules C7): "
                          "check the extract; if it is complete, `registrar refresh EXTRACT_DIR --accept-drop`")
    elif last.get("outcome") == "failed":
        run = last.get("run_id")
        d.problems.append(f"the last refresh (run {run}, {last.get('finished_at')}) failed at "
                          f"{last.get('failed_step')}: see the Data refresh page or runs/{run}/defects.txt")
    warnings = last.get("warnings") or []
    for w in warnings[:NOTES_SHOWN]:
        d.notes.append(f"the last refresh warned: {w}")
    if len(warnings) > NOTES_SHOWN:
        d.notes.append(f"… and {len(warnings) - NOTES_SHOWN} more warnings (the Data refresh page lists them)")


def diagnose(home: Home, users: list[str], port: int = 8501, address: str = "127.0.0.1",
             now: dt.datetime | None = None, processes: int = 1) -> Diagnosis:
    """Every check of the install at `home`; `users` are the roles of its users; the dashboards'
    ports are `port` and the next ones, one per server process (`registrar serve --processes`)."""
    d = Diagnosis()
    check_versions(d)
    check_home(home, d)
    check_disk(home, d)
    for each in range(port, port + processes):
        check_port(address, each, d)
    check_users(users, d)
    check_last_refresh(home, d, now or dt.datetime.now())
    return d
