"""Running dbt as a subprocess against one warehouse file.

dbt runs out of process because an in-process run keeps the DuckDB file lock after
it returns. Each run gets its own target and log folders so parallel builds (tests)
never share state.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registrar.common.paths import PROJECT_DIR
from registrar.pipeline.dbt_launch import GO

Progress = Callable[[str], None]
# dbt's line for a node that finished, e.g. "12 of 312 OK created sql table model <schema>.<model>"
NODE_FINISHED = re.compile(r"^\d+ of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")
NODES_EVERY_SECONDS = 1.0  # how often at most the count of finished nodes is reported


@dataclass(frozen=True)
class DataTestNode:
    """What the manifest says of one data test: its tier, where its failing rows are stored when it
    does not pass (checks.store_failing_rows),
    for a singular test its guidance (what it checks, when it matters, how to resolve it: the
    description and meta of its yml), and the seed file it checks codes against, if one."""

    tier: str
    failures_table: str
    guidance: str
    seed: str = ""


@dataclass
class DbtResult:
    """The outcome of one dbt command: success, and each failed node with its message."""

    ok: bool
    failures: list[dict[str, str]] = field(default_factory=list)
    results: list[dict[str, object]] = field(default_factory=list)
    tests: dict[str, DataTestNode] = field(default_factory=dict)  # every data test of the project
    models: tuple[str, ...] = ()  # every model of the project (unique ids), run or not
    selective: bool = False  # the command ran a selection of the project (a nightly build), not all of it

    def not_run(self, kind: str) -> list[str]:
        """The unique ids of the project's data tests (`kind` "test") or models ("model") that this command did
        not run (a build with a selection: incremental.Plan.selection)."""
        ran = {str(r.get("unique_id")) for r in self.results}
        project = self.tests if kind == "test" else self.models
        return sorted(uid for uid in project if uid not in ran)


TIERS = ("configuration", "integrity", "values")


def _guidance(node: dict[str, Any]) -> str:
    """"Checks / Matters / Resolve" lines from a singular test's yml (description, meta)."""
    meta = {**(node.get("meta") or {}), **(node.get("config", {}).get("meta") or {})}
    lines = [("Checks", node.get("description")), ("Matters", meta.get("matters")), ("Resolve", meta.get("resolve"))]
    return "\n".join(f"{label}: {str(text).strip()}" for label, text in lines if text)


def _manifest_nodes(manifest_path: Path) -> dict[str, dict[str, Any]]:
    if not manifest_path.exists():
        return {}
    return json.loads(manifest_path.read_text(encoding="utf-8")).get("nodes", {})


def _test_nodes(nodes: dict[str, dict[str, Any]]) -> dict[str, DataTestNode]:
    out: dict[str, DataTestNode] = {}
    for uid, node in nodes.items():
        if node.get("resource_type") != "test":
            continue
        tier = next((t for t in node.get("tags", []) if t in TIERS), "")
        seeds = [nodes[d]["original_file_path"] for d in node.get("depends_on", {}).get("nodes", [])
                 if d.startswith("seed.") and d in nodes]
        out[uid] = DataTestNode(tier, f"{node['schema']}.{node['alias']}", _guidance(node),
                                seeds[0] if len(seeds) == 1 else "")
    return out


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> Callable[[], None]:
    """In the child before exec: ask the kernel to SIGKILL it when its parent dies, so a refresh
    that is killed takes its dbt build down with it instead of leaving an orphan that holds CPU,
    memory and the work file for minutes. Linux only; elsewhere the child simply outlives."""

    def arm() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return arm


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


# dbt's parse of this checkout's project, kept beside it so that a new home's first refresh (and
# every test's) parses only what differs. dbt checks the project files, vars, profile and its own
# version against the cache and parses everything again when any differs, so it is never stale.
SHARED_PARSE_CACHE = PROJECT_DIR / "target" / "registrar_partial_parse.msgpack"


def _keep(parsed: Path, where: Path) -> None:
    """Copy dbt's parse to `where`, whole or not at all (a refresh killed here, or two at once)."""
    where.parent.mkdir(parents=True, exist_ok=True)
    fresh = where.with_name(f"{where.name}.{os.getpid()}.tmp")
    shutil.copyfile(parsed, fresh)
    fresh.replace(where)


def start_dbt(
    command: list[str],
    database: Path,
    run_dir: Path,
    vars_: dict[str, object] | None = None,
    parse_cache: Path | None = None,
    memory_limit: str | None = None,
) -> DbtProcess:
    """Start dbt for `dbt <command>` on `database` (registrar/pipeline/dbt_launch.py): it imports and parses
    the project at once and opens no database until DbtProcess.run; `database` need not exist yet.

    With `parse_cache` (a file kept between runs) dbt parses only what changed since the run that
    wrote it: a few seconds of every refresh. dbt re-parses everything when the project, its vars,
    the profile or dbt itself differ, so the cache never serves a stale project. The profile names
    the warehouse file relative to dbt's working folder, so the profile is the same for every run.
    `memory_limit` is DuckDB's for this run unless REGISTRAR_DUCKDB_MEMORY_LIMIT is set (profiles.yml).
    """
    target = run_dir / "dbt_target"
    target.mkdir(parents=True, exist_ok=True)
    cached = target / "partial_parse.msgpack"
    if parse_cache is not None:
        # a home's own parse, else the last one of this checkout (a new home's first refresh)
        seed = next((p for p in (parse_cache, SHARED_PARSE_CACHE) if p.exists()), None)
        if seed is not None:
            shutil.copyfile(seed, cached)
    env = {
        **os.environ,
        "REGISTRAR_DUCKDB_PATH": database.name,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PARTIAL_PARSE": "true" if parse_cache is not None else "false",
    }
    if memory_limit and "REGISTRAR_DUCKDB_MEMORY_LIMIT" not in os.environ:
        env["REGISTRAR_DUCKDB_MEMORY_LIMIT"] = memory_limit
    common = [
        "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(target), "--log-path", str(run_dir / "dbt_logs"),
        # the file log keeps what ran, how long and every error, not each statement: at the debug level
        # writing it held dbt's threads about 2 s of a nightly build at 200,000 (run_results.json keeps
        # each node's SQL)
        "--log-level-file", "info",
        *(["--vars", json.dumps(vars_)] if vars_ else []),
    ]
    launch = {"parse": ["--no-use-colors", "parse", *common], "run": ["--no-use-colors", *command, *common]}
    proc = subprocess.Popen(
        [sys.executable, "-m", "registrar.pipeline.dbt_launch", json.dumps(launch)], cwd=database.parent, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=_die_with(os.getpid()),
    )
    return DbtProcess(proc, target, parse_cache)


@dataclass
class DbtProcess:
    """A dbt started by start_dbt: parsed (or parsing), waiting to run its command (`run`) or to end (`stop`)."""

    proc: subprocess.Popen[str]
    target: Path
    parse_cache: Path | None

    def stop(self) -> None:
        """End it without running the command (the refresh stopped before its build): it has not opened the
        warehouse, and what it parsed is its run's alone."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()

    def run(self, progress: Progress = print) -> DbtResult:
        """Run the command; stream its progress lines; read run_results.json."""
        proc, target = self.proc, self.target
        assert proc.stdin is not None and proc.stdout is not None
        with contextlib.suppress(OSError):  # a dbt that ended already (it could not parse) tells why below
            proc.stdin.write(f"{GO}\n")
            proc.stdin.close()
        cached = target / "partial_parse.msgpack"
        done, reported = 0, 0.0
        for line in proc.stdout:
            text = line.rstrip()
            # Models and seeds as they finish, every problem, and the closing tally; passing tests
            # are counted in the tally rather than listed.
            if any(k in text for k in (" OK created", " OK loaded", "ERROR", "FAIL", "WARN", "Done.", "Error")):
                progress(f"  dbt: {text.split('  ', 1)[-1].strip()}")
            # and, at most every NODES_EVERY_SECONDS and at the last, "dbt: N of M nodes done" (the
            # Data refresh page shows it; refresh.RefreshStatus reads it)
            if finished := NODE_FINISHED.match(text.split("  ", 1)[-1].strip()):
                done, total = done + 1, int(finished[1])
                if done == total or time.monotonic() - reported >= NODES_EVERY_SECONDS:
                    progress(f"  dbt: {done} of {total} nodes done")
                    reported = time.monotonic()
        code = proc.wait()
        if self.parse_cache is not None and code == 0 and cached.exists():
            _keep(cached, self.parse_cache)
            with contextlib.suppress(OSError):  # a checkout the service account may not write to: the home keeps it
                _keep(cached, SHARED_PARSE_CACHE)
        results: list[dict[str, object]] = []
        rr = target / "run_results.json"
        if rr.exists():
            results = json.loads(rr.read_text(encoding="utf-8")).get("results", [])
        failures = [
            {"node": str(r.get("unique_id")), "status": str(r.get("status")), "message": str(r.get("message") or "")}
            for r in results
            if r.get("status") in ("error", "fail", "runtime error")
        ]
        if code != 0 and not failures:
            failures.append({"node": "dbt", "status": "error", "message": f"dbt exited with code {code}"})
        nodes = _manifest_nodes(target / "manifest.json")
        return DbtResult(ok=code == 0, failures=failures, results=results, tests=_test_nodes(nodes),
                         models=tuple(uid for uid, node in nodes.items() if node.get("resource_type") == "model"))


def run_dbt(
    command: list[str],
    database: Path,
    run_dir: Path,
    progress: Progress = print,
    vars_: dict[str, object] | None = None,
    parse_cache: Path | None = None,
    memory_limit: str | None = None,
) -> DbtResult:
    """Run `dbt <command>` on `database` now (start_dbt, then DbtProcess.run)."""
    return start_dbt(command, database, run_dir, vars_, parse_cache, memory_limit).run(progress)
