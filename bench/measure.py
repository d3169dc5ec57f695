"""What the bench measures a command with: wall time and the peak memory of its whole process
tree (the command and every process it starts, dbt included), sampled from /proc; and what it
reads from a build: dbt's per-node timings and the machine it ran on."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
CORE_MARTS = ("fct_grades", "fct_student_terms", "fct_attestation_results", "fct_contingent_monthly")


@dataclass
class Measured:
    seconds: float
    peak_rss_bytes: int
    returncode: int
    output: str
    cpu_seconds: float = 0.0  # user + system of the tree: what the work costs, whatever else runs


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and all its descendants now."""
    kids, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        todo += kids.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
                 interval: float = 0.2) -> Measured:
    """Run a command to its end; its wall time and the peak resident memory of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(round(seconds, 2), peak, proc.returncode, output, round(cpu, 2))


def dbt_timings(build_dir: Path, top: int = 10) -> dict[str, object]:
    """From the published build's run_results.json and manifest.json: seconds summed by kind of
    node, the slowest nodes, and the models the core marts are built from (their lineage)."""
    results = json.loads((build_dir / "run_results.json").read_text(encoding="utf-8"))
    manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    parents = manifest.get("parent_map", {})
    nodes = results.get("results", [])
    kind_of = {"model": "models", "seed": "seeds", "test": "data_tests", "unit_test": "unit_tests"}
    sums: dict[str, float] = {}
    for r in nodes:
        kind = kind_of.get(str(r["unique_id"]).split(".", 1)[0], "other")
        sums[kind] = round(sums.get(kind, 0.0) + float(r.get("execution_time") or 0), 2)
    slow = sorted(nodes, key=lambda r: -float(r.get("execution_time") or 0))[:top]
    lineage: set[str] = set()
    todo = [uid for uid in parents if uid.startswith("model.") and uid.rsplit(".", 1)[-1] in CORE_MARTS]
    while todo:
        uid = todo.pop()
        if uid in lineage or not uid.startswith("model."):
            continue
        lineage.add(uid)
        todo += parents.get(uid, [])
    core = [r for r in nodes if r["unique_id"] in lineage]
    names = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}

    def label(uid: str) -> str:
        # a generic test's unique id ends in a hash; its name says what it tests
        return uid.split(".", 1)[0] + " " + str(names.get(uid, {}).get("name") or uid.rsplit(".", 1)[-1])

    return {
        "elapsed_seconds": round(float(results.get("elapsed_time") or 0), 2),
        "seconds_by_kind": sums,
        "nodes": {k: sum(1 for r in nodes if str(r["unique_id"]).startswith(p + "."))
                  for p, k in kind_of.items()},
        "top": [{"node": label(r["unique_id"]),
                 "seconds": round(float(r.get("execution_time") or 0), 2)} for r in slow],
        "core_marts_models": sorted(uid.rsplit(".", 1)[-1] for uid in lineage),
        "core_marts_seconds": round(sum(float(r.get("execution_time") or 0) for r in core), 2),
    }


def machine() -> dict[str, object]:
    """Cores, memory, load and versions: what a result must be read with."""
    with open("/proc/meminfo", encoding="ascii") as fh:
        mem = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("MemTotal"))
    versions = {}
    for dist in ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "great_expectations", "streamlit"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {"cores": os.cpu_count(), "memory_bytes": mem, "platform": platform.platform(),
            "python": platform.python_version(), "versions": versions}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
