"""How long each report takes on the published warehouse: every report of the catalogue with
parameters taken from the data (the latest regular term with results, the last complete quarter,
the data's last year, a graduate and a student studying now), each of its formats, timed from
the parameter checks to the file's bytes, as `registrar report` makes it.

    python -m bench.reports [--only NAME ...] [--formats FMT ...] [--faculty CODE|largest] [--repeat 3] [--json OUT]
    (REGISTRAR_HOME names the warehouse)

Used by `registrar-bench`; a measurement, not a test. A report the data cannot give (no diploma
register in the export) is listed with its refusal, not timed. An official document is made without
an outgoing number (`run.produce(register=False)`): timing it issues nothing. `--faculty` times the
reports that take one for that faculty only (`largest`: the faculty with the most students studying),
as a dean gets them; `--formats` times only those formats (say xlsx csv, no PDF). Each format's CPU
seconds are kept beside the wall-clock ones: on a shared machine they are the steadier measure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from typing import Any

import duckdb

from registrar.common.warehouse import Warehouse
from registrar.reports import catalog, params, run
from registrar.reports.base import Report, ReportError


def _largest_faculty(con: duckdb.DuckDBPyConnection) -> str:
    """The faculty with the most students studying (the longest dean's lists)."""
    return con.execute("select faculty_code from main.dim_students where is_studying "
                       "group by faculty_code order by count(*) desc, faculty_code limit 1").fetchone()[0]


def _candidates(con: duckdb.DuckDBPyConnection, report: Report,
                faculty: str | None = None) -> list[dict[str, object]]:
    """Parameter sets to try for `report`, the likeliest first (a student document: a graduate for
    the diploma supplement, else a student studying now); `faculty` if given (the report takes one)."""
    first, last = params.data_span(con)
    year, term = params.latest_graded_term(con) or (None, None)
    given: dict[str, object] = {"faculty": faculty} if faculty else {}
    takes = report.required
    if "year" in takes:
        given["year"] = year
    if "term" in takes:
        given["term"] = term
    if "quarter" in takes:
        given["quarter"] = params.last_complete_quarter(last)
    if "as_of" in takes:
        given["as_of"] = last
    if "period" in takes:
        given["date_from"], given["date_to"] = max(first, last - dt.timedelta(days=365)), last
    if "student" not in takes:
        return [given]
    students = [r[0] for r in con.execute(
        "(select student_id from main.dim_students where not is_studying order by student_id limit 3) union all "
        "(select student_id from main.dim_students where is_studying order by student_id limit 3)").fetchall()]
    return [{**given, "student": s} for s in students]


def measure(repeat: int = 3, only: tuple[str, ...] = (), say=lambda _line: None,
            faculty: str | None = None, formats: tuple[str, ...] = ()) -> dict[str, Any]:
    """Per report (`only` these, if given; with `faculty`, only those that take one): the parameters
    used, and per format (`formats` only, if given) p50/max wall-clock seconds and p50 CPU seconds over
    `repeat` runs; `say` gets each report's line as it is done."""
    wh = Warehouse.published()
    results: dict[str, Any] = {}
    try:
        for name, report in catalog.reports().items():
            if (only and name not in only) or (faculty and "faculty" not in report.optional):
                continue
            with wh.cursor() as con:
                if faculty == "largest":
                    faculty = _largest_faculty(con)
                refusal, chosen = "", None
                timed = [fmt for fmt in report.formats if not formats or fmt in formats]
                for given in _candidates(con, report, faculty):
                    try:
                        parsed = params.parse(report, con, lang="ru", **given)  # type: ignore[arg-type]
                        run.produce(report, parsed, (timed[0] if timed else report.formats[0],), con,
                                    register=False)
                        chosen = given
                        break
                    except ReportError as refused:
                        refusal = str(refused)
                if chosen is None:
                    results[name] = {"refused": refusal}
                    continue
                timings: dict[str, Any] = {}
                for fmt in timed:
                    samples, cpu = [], []
                    for _ in range(repeat):
                        started, started_cpu = time.perf_counter(), time.process_time()
                        parsed = params.parse(report, con, fmt=fmt, lang="ru", **chosen)  # type: ignore[arg-type]
                        produced = run.produce(report, parsed, (fmt,), con, register=False)[fmt]
                        samples.append(time.perf_counter() - started)
                        cpu.append(time.process_time() - started_cpu)
                    timings[fmt] = {"p50_s": round(statistics.median(samples), 3), "max_s": round(max(samples), 3),
                                    "cpu_p50_s": round(statistics.median(cpu), 3), "bytes": len(produced.data)}
                    if fmt == "pdf":
                        timings[fmt]["pages"] = produced.data.count(b"/Type /Page\n")
                results[name] = {"params": {k: str(v) for k, v in chosen.items()}, "formats": timings}
                say(line(name, results[name]))
    finally:
        wh.close()
    return results


def line(name: str, r: dict[str, Any]) -> str:
    """One report's result as printed."""
    if "refused" in r:
        return f"{name:<28} refused: {r['refused']}"
    worst = max(v["max_s"] for v in r["formats"].values())
    shown = "  ".join(f"{fmt} {v['p50_s']:.2f} s (CPU {v.get('cpu_p50_s', 0):.2f})" for fmt, v in r["formats"].items())
    given = ", ".join(f"{k}={v}" for k, v in r["params"].items())
    return f"{name:<28} {shown}   (slowest run {worst:.2f} s; {given})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="write the results to this file too")
    parser.add_argument("--only", nargs="*", default=[], metavar="REPORT", help="only these reports")
    parser.add_argument("--formats", nargs="*", default=[], metavar="FMT", help="only these formats (xlsx csv pdf)")
    parser.add_argument("--faculty", metavar="CODE", help="one faculty's lists (a code, or 'largest')")
    args = parser.parse_args(argv)
    results = measure(args.repeat, tuple(args.only), say=lambda text: print(text, flush=True),
                      faculty=args.faculty, formats=tuple(args.formats))
    for name, r in results.items():
        if "refused" in r:
            print(line(name, r))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
