"""How long each dashboard page's queries take on a warm server: each page's query module
lists its typical interactions (`bench_calls`), and this runs them against the published
warehouse with the result cache off, repeatedly, and reports p50/p95 per page.

    python -m bench.latency [--repeat 20] [--json OUT]   (REGISTRAR_HOME names the warehouse)

Used by `registrar-bench`; a measurement, not a test.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from dashboards import data, queries
from registrar.access.scope import Scope

Call = tuple[str, Callable[[], object]]


def page_calls(scope: Scope) -> dict[str, list[Call]]:
    """Each query module's typical interactions, by page."""
    found: dict[str, list[Call]] = {}
    for module in pkgutil.iter_modules(queries.__path__):
        loaded = importlib.import_module(f"{queries.__name__}.{module.name}")
        if hasattr(loaded, "bench_calls"):
            found[module.name] = loaded.bench_calls(scope)
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(repeat: int = 20, scope: Scope | None = None) -> dict[str, Any]:
    """p50/p95 (ms) of each page's interactions: one sample is one interaction's queries."""
    data._measuring = True
    try:
        results: dict[str, Any] = {}
        for page, calls in page_calls(scope or Scope()).items():
            if not calls:  # a page with nothing to query on this warehouse
                continue
            for _, call in calls:
                call()  # warm: the connection is open and the file is in the OS cache
            samples = []
            per_call: dict[str, list[float]] = {name: [] for name, _ in calls}
            for _ in range(repeat):
                for name, call in calls:
                    started = time.perf_counter()
                    call()
                    elapsed = (time.perf_counter() - started) * 1000
                    samples.append(elapsed)
                    per_call[name].append(elapsed)
            results[page] = {
                "p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 0.95), 1),
                "max_ms": round(max(samples), 1), "samples": len(samples),
                "calls": {n: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(percentile(v, 0.95), 1)}
                          for n, v in per_call.items()},
            }
        return results
    finally:
        data._measuring = False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", help="write the results to this file too")
    args = parser.parse_args(argv)
    results = measure(args.repeat)
    for page, r in results.items():
        print(f"{page:<14} p50 {r['p50_ms']:>8.1f} ms   p95 {r['p95_ms']:>8.1f} ms   ({r['samples']} samples)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
