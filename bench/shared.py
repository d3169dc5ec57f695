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


@contextmanager
def registrar_serve(home: Path, log: Path,
                    project: Path = PROJECT_DIR) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`registrar serve` of `project` (this checkout, or another one to compare) on `home`, on 127.0.0.1
    and a free port, its output in `log`; yields its URL and process once healthy, and stops it (the
    whole process group: Streamlit runs as a child) when done. The benches' one way to start the server."""
    import sys
    import urllib.request

    port = free_port()
    env = {**os.environ, "REGISTRAR_HOME": str(home), "PYTHONPATH": str(project)}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "registrar.cli", "serve", "--port", str(port)], env=env,
                                cwd=project, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
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
        yield url, proc
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
