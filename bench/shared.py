"""What the bench's commands share (`registrar-bench` and `registrar-bench load`): where results go,
the commit measured, and the demo extracts cached by seed and size."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
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
