"""The bench: how long a whole refresh takes and how much memory it holds, at the sizes of a
university and of the country, against what users would use instead.

    registrar-bench --sizes 5000,5000q,50000,50000q     (or `make bench`)

For each size, on demo extracts cached by seed and size (under $REGISTRAR_HOME/bench/extracts):
the whole `registrar refresh` as a child process (wall time, peak memory of its process tree,
each step's seconds, dbt's per-node timings, the warehouse's size), the dashboards' query
latency on the published warehouse (`python -m bench.latency`), and the two reference
points on the same extracts: the pandas reference (bench/reference_pandas.py) and the DuckDB
floor (bench/floor_duckdb.py), each checked to give the marts' numbers exactly. A reference
that disagrees with the marts fails the bench. A size written `5000q` is the same extracts fully
quoted (every field in quotes, as many exports write them: bench/quoted.py), so the table shows
what quoting costs next to the size's unquoted row. A size written `5000n` is the nightly scenario
(bench/nightly.py): its row is the first refresh, from night 1 of the size's extracts, and then night 2
(one day later) is refreshed in the same home and rebuilt in a fresh one, the two compared relation by
relation; the pages, reports and references then run on night 2. Results go to bench/results/<stamp>.json and
bench/RESULTS.md. A measurement, not a test: tests/warehouse/test_bench.py only runs it small.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

from bench import check as bench_check
from bench import compare_marts
from bench import measure as bench_measure
from bench.nightly import nightly_pair
from bench.quoted import quoted_copy
from bench.shared import RESULTS, cached_extracts
from bench.shared import commit as _commit
from registrar.common.paths import PROJECT_DIR, Home

SUMMARY = PROJECT_DIR / "bench" / "RESULTS.md"
SIZES = ("5000", "5000q", "5000n", "50000", "50000q", "200000", "200000q", "200000n", "600000", "600000q")


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _reference(script: str, extracts: Path, out: Path, warehouse: Path) -> dict[str, object]:
    """Run one reference script measured, then compare its numbers with the marts."""
    shutil.rmtree(out, ignore_errors=True)
    measured = bench_measure.run_measured(_python(str(PROJECT_DIR / "bench" / script), str(extracts), str(out)),
                                          cwd=PROJECT_DIR)
    if measured.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{measured.output[-3000:]}")
    comparison = bench_check.compare(warehouse, out)
    return {"seconds": measured.seconds, "cpu_seconds": measured.cpu_seconds, "peak_rss_bytes": measured.peak_rss_bytes,
            "check": comparison, "matched": bench_check.matched(comparison)}


def _fresh_home(root: Path, name: str, parsed: Path) -> Home:
    """An empty home under `root`, holding dbt's parsed project of the size when one is kept (as a
    university's nightly refresh keeps it: only a size's first bench parses the whole project)."""
    home = Home(root / name)
    shutil.rmtree(home.root, ignore_errors=True)
    if parsed.exists():
        home.root.mkdir(parents=True)
        shutil.copyfile(parsed, home.dbt_parse_cache)
    return home


def _env(home: Home) -> dict[str, str]:
    """The environment of a command run on `home`."""
    return {**os.environ, "REGISTRAR_HOME": str(home.root), "PYTHONUNBUFFERED": "1"}


def _refresh(home: Home, extracts: Path, what: str) -> dict[str, object]:
    """`registrar refresh` of `extracts` in `home`, measured: wall and CPU seconds, peak memory, the steps."""
    refreshed = bench_measure.run_measured(_python("-m", "registrar.cli", "refresh", str(extracts)),
                                           env=_env(home), cwd=PROJECT_DIR)
    if refreshed.returncode != 0:
        raise RuntimeError(f"refresh of {what} failed:\n{refreshed.output[-5000:]}")
    log = [json.loads(line) for line in home.load_log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {"wall_seconds": refreshed.seconds, "cpu_seconds": refreshed.cpu_seconds,
            "peak_rss_bytes": refreshed.peak_rss_bytes, "steps": log[-1]["seconds"]}


def _nightly(home: Home, night2: Path, root: Path, tag: str, parsed: Path, first: dict[str, object],
             label: str, say=print) -> dict[str, object]:
    """The nightly scenario after night 1's refresh in `home`: night 2's refresh in the same home, a full
    rebuild of night 2 in a fresh home, and whether the two warehouses' marts and reports are identical
    (bench/compare_marts.py: EXCEPT ALL both ways, every dim_/fct_/rpt_)."""
    say(f"[{label}] nightly refresh (night 2 in the same home)")
    nightly = _refresh(home, night2, f"{label} night 2")
    say(f"[{label}] nightly refresh {nightly['wall_seconds']} s; full rebuild of night 2")
    full_home = _fresh_home(root, f"home-{tag}-full", parsed)
    full = _refresh(full_home, night2, f"{label} night 2, full")
    compared = compare_marts.compare(full_home.warehouse, home.warehouse)
    differing = [c.name for c in compared if not c.identical]
    say(f"[{label}] nightly ÷ first {_ratio(nightly['wall_seconds'], first['wall_seconds'])}; "
        f"{len(compared) - len(differing)} of {len(compared)} relations identical to the full rebuild")
    return {**nightly, "full_rebuild": full, "relations_compared": len(compared), "differing": differing,
            "identical": not differing,
            "over_first": _ratio(nightly["wall_seconds"], first["wall_seconds"])}


def bench_size(students: int, years: int, seed: int, root: Path, cache: Path, repeat: int,
               say=print, save=lambda _partial: None, quoted: bool = False,
               report_repeat: int = 3, nightly: bool = False) -> dict[str, object]:
    """Refresh, latency and both references for one size (`quoted`: on its fully quoted copy; `nightly`:
    the first refresh from night 1 of bench/nightly.py, then the nightly scenario, `_nightly`, with
    the pages, reports and references on night 2); `save` gets the result so far after each stage, so a
    run stopped at the country's size still keeps what it measured."""
    extracts, info = cached_extracts(cache, students, years, seed, say)
    if quoted:
        extracts = quoted_copy(extracts, extracts.with_name(extracts.name + "-quoted"))
    pair = nightly_pair(extracts, extracts.with_name(extracts.name + "-nightly")) if nightly else None
    if pair is not None:
        extracts = Path(str(pair["night1"]))
    suffix = "q" if quoted else "n" if nightly else ""
    tag, label = f"{students}{suffix}", f"{students:,}{' quoted' if quoted else ' nightly' if nightly else ''}"
    files = [p for p in extracts.iterdir() if p.suffix == ".csv"]
    result: dict[str, object] = {
        "students": students, "quoted": quoted, "years": years, "seed": seed,
        "extracts": {"dir": str(extracts), "rows": info["counts"], "grade_rows": info["counts"]["grades"],
                     "bytes": sum(p.stat().st_size for p in files), "cached": info["cached"],
                     "generate_seconds": info["seconds"]},
        "load_average_before": bench_measure.load_average(),
    }
    parsed = root / f"dbt_partial_parse-{students}.msgpack"  # dbt's profile (memory limit) follows the size
    home = _fresh_home(root, f"home-{tag}", parsed)
    env = _env(home)
    say(f"[{label}] refresh ({info['counts']['grades']:,} grade rows)")
    result["refresh"] = _refresh(home, extracts, f"{students:,} students")
    result["dbt"] = bench_measure.dbt_timings(home.root / "last_build")
    result["refresh"]["parse_cache_used"] = parsed.exists()  # type: ignore[index]
    if home.dbt_parse_cache.exists():
        shutil.copyfile(home.dbt_parse_cache, parsed)
    result["warehouse_bytes"] = home.warehouse.stat().st_size
    refreshed = result["refresh"]
    say(f"[{label}] refresh {refreshed['wall_seconds']} s, peak {int(refreshed['peak_rss_bytes']) / 2**30:.2f} GiB")  # type: ignore[index,call-overload]
    save(result)
    if pair is not None:
        result["nightly_pair"] = pair
        extracts = Path(str(pair["night2"]))
        result["nightly"] = _nightly(home, extracts, root, tag, parsed, refreshed, label, say)  # type: ignore[arg-type]
        save(result)

    say(f"[{label}] dashboard latency")
    latency_file = root / f"latency-{tag}.json"
    latency = bench_measure.run_measured(
        _python("-m", "bench.latency", "--repeat", str(repeat), "--json", str(latency_file)), env=env,
        cwd=PROJECT_DIR)
    if latency.returncode != 0:
        raise RuntimeError(f"bench.latency failed:\n{latency.output[-3000:]}")
    result["latency"] = json.loads(latency_file.read_text(encoding="utf-8"))
    save(result)

    say(f"[{label}] reports")
    reports_file = root / f"reports-{tag}.json"
    timed = bench_measure.run_measured(_python("-m", "bench.reports", "--repeat", str(report_repeat),
                                               "--json", str(reports_file)), env=env, cwd=PROJECT_DIR)
    if timed.returncode != 0:
        raise RuntimeError(f"bench.reports failed:\n{timed.output[-3000:]}")
    result["reports"] = json.loads(reports_file.read_text(encoding="utf-8"))
    save(result)

    for name, script in (("floor", "floor_duckdb.py"), ("pandas", "reference_pandas.py")):
        say(f"[{label}] {name} reference")
        result[name] = _reference(script, extracts, root / f"{name}-{tag}", home.warehouse)
        say(f"[{label}] {name}: {result[name]['seconds']} s, matched {result[name]['matched']}")
        save(result)
    wall = float(refreshed["wall_seconds"])  # type: ignore[index,arg-type]
    floor = float(result["floor"]["seconds"])  # type: ignore[index]
    result["ratios"] = {
        "refresh_over_pandas": round(wall / float(result["pandas"]["seconds"]), 2),  # type: ignore[index]
        "refresh_over_floor": round(wall / floor, 2),
        "core_marts_over_floor": round(float(result["dbt"]["core_marts_seconds"]) / floor, 2),  # type: ignore[index]
        # the same on CPU seconds, which other processes on a shared machine inflate less than wall time
        "refresh_over_pandas_cpu": _ratio(refreshed["cpu_seconds"], result["pandas"]["cpu_seconds"]),  # type: ignore[index]
        "refresh_over_floor_cpu": _ratio(refreshed["cpu_seconds"], result["floor"]["cpu_seconds"]),  # type: ignore[index]
    }
    result["load_average_after"] = bench_measure.load_average()
    return result


def _ratio(a: object, b: object) -> float:
    return round(float(a) / max(float(b), 0.01), 2)  # type: ignore[arg-type]


def _gib(n: object) -> str:
    return f"{int(n) / 2**30:.2f}"  # type: ignore[call-overload]


def _get(s: dict, *path: str) -> object:
    """A value of a size's results, or "-" when that stage did not run (a partial run)."""
    value: object = s
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return "-"
        value = value[key]
    return value


def _row(s: dict) -> str:
    steps = s["refresh"]["steps"]
    pages = s.get("latency") or {}
    worst = max(pages.items(), key=lambda kv: kv[1]["p95_ms"]) if pages else ("-", {"p95_ms": "-"})
    refs = [_get(s, r, "matched") for r in ("pandas", "floor")]
    identical = "yes" if refs == [True, True] else "NO" if False in refs else "-"

    def ref(name: str) -> str:
        peak = _get(s, name, "peak_rss_bytes")
        return f"{_get(s, name, 'seconds')} ({_gib(peak) if peak != '-' else '-'})"

    def ratio(name: str) -> str:
        return f"{_get(s, 'ratios', name)} ({_get(s, 'ratios', name + '_cpu')})"

    return (f"| {_label(s)}{' (partial)' if s.get('partial') else ''} | {s['extracts']['grade_rows']:,} "
            f"| {s['extracts']['bytes'] / 1e6:.0f} "
            f"| {s['refresh']['wall_seconds']} ({_get(s, 'refresh', 'cpu_seconds')}) "
            f"| {_gib(s['refresh']['peak_rss_bytes'])} "
            f"| {steps.get('validate and load extracts')} | {steps.get('dbt build (models and tests)')} "
            f"| {steps.get('quality checks')} | {steps.get('publish')} | {s['warehouse_bytes'] / 1e6:.0f} "
            f"| {worst[1]['p95_ms']} ({worst[0]}) | {ref('pandas')} | {ref('floor')} "
            f"| {ratio('refresh_over_pandas')} | {ratio('refresh_over_floor')} "
            f"| {_get(s, 'ratios', 'core_marts_over_floor')} | {identical} "
            f"| {s['load_average_before'][0]}-{_load_after(s)} |")


def _label(s: dict) -> str:
    return f"{s['students']:,}{' quoted' if s.get('quoted') else ' nightly' if 'nightly_pair' in s else ''}"


def _quoting_costs(sizes: list[dict]) -> list[str]:
    """Each quoted size's refresh and load over its unquoted size's of the same run."""
    plain = {s["students"]: s for s in sizes if not s.get("quoted")}
    lines = []
    for q in sizes:
        p = plain.get(q["students"]) if q.get("quoted") else None
        if p is not None and "refresh" in p and "refresh" in q:
            load = "validate and load extracts"
            refresh = _ratio(q["refresh"]["wall_seconds"], p["refresh"]["wall_seconds"])
            lines.append(f"- {q['students']:,}: refresh {refresh}, "
                         f"load {_ratio(q['refresh']['steps'][load], p['refresh']['steps'][load])}")
    return ["", "Fully quoted ÷ unquoted, the same data (wall seconds):", "", *lines] if lines else []


def _nightly_lines(sizes: list[dict]) -> list[str]:
    """Each nightly size's first refresh (night 1, its row above), the nightly refresh of night 2 in the same
    home, and the full rebuild of night 2 it must equal."""
    lines = []
    for s in sizes:
        n = s.get("nightly")
        if n:
            pair, corrected = s["nightly_pair"], s["nightly_pair"]["corrected_grade"]["key"]
            lines.append(
                f"- {s['students']:,}: first {s['refresh']['wall_seconds']} s, nightly {n['wall_seconds']} s "
                f"(÷ first {n['over_first']}; load {n['steps'].get('validate and load extracts')}, "
                f"dbt {n['steps'].get('dbt build (models and tests)')}), full rebuild of night 2 "
                f"{n['full_rebuild']['wall_seconds']} s; identical to it: "
                f"{'yes' if n['identical'] else 'NO: ' + ', '.join(n['differing'])} "
                f"({n['relations_compared']} relations); night 2 adds {pair['rows_only_in_night2']} rows "
                f"and corrects one grade of {corrected[2]} term {corrected[3]}")
    return ["", "Nightly scenario (bench/nightly.py: night 2 is night 1 one day later), wall seconds:", "",
            *lines] if lines else []


def _load_after(s: dict) -> object:
    after = s.get("load_average_after")
    return after[0] if after else "-"


def markdown(run: dict[str, object]) -> str:
    """The results as the table bench/README.md and bench/RESULTS.md quote."""
    m = run["machine"]
    assert isinstance(m, dict)
    lines = [
        f"Run {run['at']} (commit {run['commit']}) on {m['cores']} cores, {_gib(m['memory_bytes'])} GiB "
        f"({m['platform']}); Python {m['python']}, "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".",
        "",
        "| students | grade rows | extract MB | refresh s (CPU s) | peak GiB | load s | dbt build s | checks s "
        "| publish s | warehouse MB | pages p95 ms (worst) | pandas s (GiB) | floor s (GiB) "
        "| refresh ÷ pandas (CPU) | refresh ÷ floor (CPU) | core marts ÷ floor | identical | load avg |",
        "|" + "---|" * 18,
    ]
    for s in run["sizes"]:  # type: ignore[union-attr]
        lines.append(_row(s))
    lines += _quoting_costs(run["sizes"])  # type: ignore[arg-type]
    lines += _nightly_lines(run["sizes"])  # type: ignore[arg-type]
    lines += ["", "Slowest dbt nodes (seconds; models run on 2 threads, so they overlap):", ""]
    for s in run["sizes"]:  # type: ignore[union-attr]
        d = s["dbt"]
        lines.append(f"- {_label(s)}: build {d['elapsed_seconds']} s; summed by kind {d['seconds_by_kind']}; "
                     f"core marts' models summed {d['core_marts_seconds']} s; top: "
                     + ", ".join(f"{t['node']} {t['seconds']}" for t in d["top"]))
    lines += ["", "Dashboard latency per page (p50 / p95 ms):", ""]
    for s in run["sizes"]:  # type: ignore[union-attr]
        lines.append(f"- {_label(s)}: " + ", ".join(
            f"{p} {v['p50_ms']} / {v['p95_ms']}" for p, v in s.get("latency", {}).items()))
    lines += ["", "Reports, the slowest format's median seconds (bench.reports; refused: what the data lacks):", ""]
    for s in run["sizes"]:  # type: ignore[union-attr]
        timed = s.get("reports") or {}
        lines.append(f"- {_label(s)}: " + ", ".join(
            f"{n} {max(f['p50_s'] for f in r['formats'].values())}" if "formats" in r else f"{n} refused"
            for n, r in timed.items()))
    return "\n".join(lines) + "\n"


def run_bench(sizes: list[int | str], years: int, seed: int, root: Path, cache: Path, out: Path, repeat: int,
              say=print, report_repeat: int = 3) -> tuple[Path, dict[str, object]]:
    """Bench every size and write the results file and its table; return the file and the run."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    run: dict[str, object] = {"at": stamp, "commit": _commit(), "machine": bench_measure.machine(), "sizes": []}
    root.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{stamp}.json"
    done: list[dict[str, object]] = []

    def save(partial: dict[str, object] | None = None) -> None:
        # every stage is saved as it ends: a stopped run keeps what it measured (marked partial)
        run["sizes"] = done + ([{**partial, "partial": True}] if partial else [])
        target.write_text(json.dumps(run, indent=1, ensure_ascii=False), encoding="utf-8")

    for n in sizes:
        kind = str(n)[-1] if str(n)[-1] in "qn" else ""
        done.append(bench_size(int(str(n).rstrip("qn")), years, seed, root, cache, repeat, say, save,
                               kind == "q", report_repeat, kind == "n"))
        save()
    (out / f"{stamp}.md").write_text(markdown(run), encoding="utf-8")
    return target, run


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["load"]:  # `registrar-bench load`: the load test (bench/load.py)
        from bench import load

        return load.main(argv[1:])
    parser = argparse.ArgumentParser(prog="registrar-bench", description=__doc__.splitlines()[0],
                                     epilog="registrar-bench load --help: the load test of the dashboards")
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="students per demo university, comma-separated; `5000q` is the same extracts fully quoted"
                             f" (default {','.join(SIZES)})")
    parser.add_argument("--years", type=int, default=5, help="academic years of history (default 5)")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the demo (default 42)")
    parser.add_argument("--home", type=Path, help="where the bench refreshes (default $REGISTRAR_HOME/bench)")
    parser.add_argument("--cache", type=Path, help="cached demo extracts (default <home>/extracts)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder (default bench/results)")
    parser.add_argument("--repeat", type=int, default=20, help="latency samples per interaction (default 20)")
    parser.add_argument("--report-repeat", type=int, default=3,
                        help="timed runs of each report in each format (default 3; bench.reports --repeat)")


def run_from_args(args: argparse.Namespace) -> int:
    root = (args.home or Home.from_env().root / "bench").resolve()
    cache = (args.cache or root / "extracts").resolve()
    sizes = [s.strip() for s in str(args.sizes).split(",") if s.strip()]
    try:
        target, run = run_bench(sizes, args.years, args.seed, root, cache, args.out.resolve(), args.repeat,
                                lambda m: print(m, flush=True), args.report_repeat)
    except RuntimeError as failed:
        print(f"registrar-bench: {failed}", file=sys.stderr)
        return 1
    table = markdown(run)
    if args.out.resolve() == RESULTS.resolve():
        SUMMARY.write_text("# Benchmark results\n\nThe latest `make bench` (all runs: bench/results/*.json)."
                           "\n\n" + table, encoding="utf-8")
    print(table)
    print(f"saved {target}")
    matched = all(s["pandas"]["matched"] and s["floor"]["matched"] for s in run["sizes"])  # type: ignore[union-attr]
    if not matched:
        print("registrar-bench: a reference disagrees with the marts (see 'check' in the results)", file=sys.stderr)
    return 0 if matched else 1


if __name__ == "__main__":
    raise SystemExit(main())
