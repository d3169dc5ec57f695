"""What the bench's commands share (`registrar-bench`, `registrar-bench load`, `bench.pages`): where
results go, the commit measured, the demo extracts cached by seed and size, and the served dashboards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from registrar.common.paths import PROJECT_DIR

RESULTS = PROJECT_DIR / "bench" / "results"


def commit() -> str:
    """The commit measured (with "+changes" when the work tree differs from it)."""
    if os.environ.get("REGISTRAR_BENCH_COMMIT"):  # a bench run from an exported copy of a commit
        return os.environ["REGISTRAR_BENCH_COMMIT"]
    try:
        head = subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, text=True).strip()
        dirty = subprocess.check_output(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_DIR,
                                        text=True).strip()
        return head + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cached_extracts(cache: Path, students: int, years: int, seed: int, say=print) -> tuple[Path, dict[str, object]]:
    """The demo extracts of this seed and size, written once; counts.json marks a complete set."""
    folder = cache / f"seed{seed}-students{students}-years{years}"
    marker = folder / "counts.json"
    if marker.exists():
        info = json.loads(marker.read_text(encoding="utf-8"))
        info["cached"] = True
        return folder, info
    from demo import write_demo

    shutil.rmtree(folder, ignore_errors=True)
    say(f"writing the demo extracts: {students:,} students, {years} years, seed {seed}")
    start = time.perf_counter()
    counts = write_demo(folder, students=students, years=years, seed=seed)
    info = {"counts": counts, "seconds": round(time.perf_counter() - start, 2)}
    marker.write_text(json.dumps(info), encoding="utf-8")
    info["cached"] = False
    return folder, info


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(count: int) -> int:
    """The first of `count` consecutive ports on 127.0.0.1 that nothing listens on now."""
    import socket

    while True:
        first = free_port()
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue


@contextmanager
def registrar_serve(home: Path, log: Path, project: Path = PROJECT_DIR,
                    processes: int = 1) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`registrar serve` of `project` (this checkout, or another one to compare) on `home`, on 127.0.0.1
    and a free port (with `processes` > 1, that many server processes on consecutive ports), its output
    in `log`; yields the URL of the first and the process once every one is healthy, and stops it (the
    whole process group: Streamlit runs as a child) when done. The benches' one way to start the server."""
    import sys
    import urllib.request

    port = free_ports(processes)
    env = {**os.environ, "REGISTRAR_HOME": str(home), "PYTHONPATH": str(project)}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "registrar.cli", "serve", "--port", str(port),
                                 *(["--processes", str(processes)] if processes > 1 else [])], env=env,
                                cwd=project, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    urls = [f"http://127.0.0.1:{p}" for p in range(port, port + processes)]
    try:
        deadline = time.monotonic() + 120
        for url in urls:
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"registrar serve did not start on {url} (see {log})")
                time.sleep(0.3)
        yield urls[0], proc
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
