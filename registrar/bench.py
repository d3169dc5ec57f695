"""Benchmarks: wall times of the demo generator and of each refresh step, saved as results.

`make bench` (or `python -m registrar.bench --students 5000 200000`) writes one JSON per
run to bench/results/ and appends a line per measurement to bench/RESULTS.md, so speed is
tracked from commit to commit rather than asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

from registrar.paths import PROJECT_DIR, Home

RESULTS = PROJECT_DIR / "bench" / "results"
SUMMARY = PROJECT_DIR / "bench" / "RESULTS.md"


def _commit() -> str:
    try:
        return subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _mart_rows(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
        return {n: int(con.execute(f'select count(*) from main."{n}"').fetchone()[0]) for n in names}
    finally:
        con.close()


def bench_size(students: int, years: int, refresh_too: bool, work: Path) -> dict[str, object]:
    """Generate a demo of `students` and (optionally) refresh it; return the timings."""
    from demo import write_demo
    from registrar.pipeline import refresh

    extracts = work / f"demo_{students}"
    start = time.perf_counter()
    counts = write_demo(extracts, students=students, years=years, seed=42, progress=lambda _m: None)
    result: dict[str, object] = {
        "students": students, "years": years, "demo_seconds": round(time.perf_counter() - start, 2),
        "extract_rows": counts, "extract_bytes": sum(p.stat().st_size for p in extracts.iterdir()),
    }
    print(f"demo {students:,} students: {result['demo_seconds']} s", flush=True)
    if refresh_too:
        home = Home(work / f"home_{students}")
        start = time.perf_counter()
        outcome = refresh(extracts, home, progress=lambda _m: None)
        result["refresh_seconds"] = round(time.perf_counter() - start, 2)
        result["refresh_steps"] = outcome.seconds
        result["mart_rows"] = _mart_rows(home.warehouse)
        result["warehouse_bytes"] = home.warehouse.stat().st_size
        print(f"refresh {students:,} students: {result['refresh_seconds']} s {outcome.seconds}", flush=True)
    shutil.rmtree(extracts, ignore_errors=True)
    return result


def bench_checks(warehouse: Path) -> dict[str, object]:
    """Time the expectation suites on a published warehouse: each feed query alone, then the
    whole checks step (feeds and Great Expectations validation), beside the grade rows."""
    from registrar.expectations import feed_query, load_suites, run_suites

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        grade_rows = int(con.execute("select count(*) from main.fct_grades").fetchone()[0])
        feeds = {}
        for suite in load_suites():
            start = time.perf_counter()
            n = len(con.execute(feed_query(con, suite)).fetchall())
            feeds[suite.name] = {"seconds": round(time.perf_counter() - start, 2), "rows": n}
    finally:
        con.close()
    start = time.perf_counter()
    outcomes = run_suites(warehouse, progress=lambda _m: None)
    result = {"warehouse": str(warehouse), "fct_grades_rows": grade_rows, "feeds": feeds,
              "suites_seconds": round(time.perf_counter() - start, 2), "expectations": len(outcomes)}
    print(f"checks on {grade_rows:,} grade rows: {result['suites_seconds']} s {feeds}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, nargs="*", default=[5000])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--demo-only-above", type=int, default=50_000,
                        help="sizes above this only time the demo generator (default 50000)")
    parser.add_argument("--checks-on", type=Path, metavar="WAREHOUSE",
                        help="also time the expectation suites on this published warehouse")
    args = parser.parse_args(argv)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    run = {"at": stamp, "commit": _commit(), "machine": f"{platform.machine()} {platform.system()}",
           "sizes": []}
    with tempfile.TemporaryDirectory(prefix="registrar-bench-") as tmp:
        for n in args.students:
            run["sizes"].append(bench_size(n, args.years, n <= args.demo_only_above, Path(tmp)))
    if args.checks_on:
        run["checks"] = bench_checks(args.checks_on)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stamp}.json").write_text(json.dumps(run, indent=1), encoding="utf-8")
    if not SUMMARY.exists():
        SUMMARY.write_text("# Benchmark results\n\n| when | commit | students | years | demo s | refresh s |"
                           " steps |\n|---|---|---|---|---|---|---|\n", encoding="utf-8")
    with SUMMARY.open("a", encoding="utf-8") as fh:
        if "checks" in run:
            c = run["checks"]
            fh.write(f"| {stamp} | {run['commit']} | checks on {c['fct_grades_rows']:,} fct_grades rows | | | "
                     f"{c['suites_seconds']} | {json.dumps(c['feeds'])} |\n")
        for size in run["sizes"]:
            fh.write(f"| {stamp} | {run['commit']} | {size['students']:,} | {size['years']} | "
                     f"{size['demo_seconds']} | {size.get('refresh_seconds', '')} | "
                     f"{json.dumps(size.get('refresh_steps', {}), ensure_ascii=False)} |\n")
    print(f"saved {RESULTS / (stamp + '.json')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
