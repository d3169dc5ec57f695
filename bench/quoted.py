"""A fully quoted copy of a folder of extracts: every field inside double quotes, empty ones as
`""`, as a database's `COPY ... FORCE QUOTE *`, a spreadsheet or a report writer exports them.

    python -m bench.quoted SOURCE_DIR TARGET_DIR
    python -m bench.quoted --time SOURCE_DIR TARGET_DIR [--runs N]


The bench's quoted variant of a size (`registrar-bench --sizes 5000q`) and the loader's quoted
measurements read such copies: the same data as the source, so a load of both must give the same
tables, defects and row numbers, and should take about as long. Each file keeps its encoding,
delimiter and line ending; a cell that spans lines still does. `--time` then loads both folders
(`extract.load.load_extracts`, the refresh's "validate and load extracts" step), interleaved, and
prints each load's wall and CPU seconds, the CPU seconds of reading the files alone, and the quoted
one's over the unquoted one's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from extract.read import _detect_delimiter, detect_encoding

MARKER = "quoted.json"  # written last: a folder holding it is a complete copy


def dialect(path: Path, encoding: str) -> tuple[str, str]:
    """The file's delimiter and line ending, as its header line shows them."""
    with path.open("r", encoding=encoding, newline="") as fh:
        first = fh.readline()
    ending = "\r\n" if first.endswith("\r\n") else "\r" if first.endswith("\r") else "\n"
    return _detect_delimiter(first), ending


def quote_file(source: Path, target: Path) -> int:
    """Write `source` to `target` with every field quoted; the records written."""
    encoding = detect_encoding(source)
    if encoding is None:
        shutil.copyfile(source, target)  # not text: copied as it is
        return 0
    delimiter, ending = dialect(source, encoding)
    n = 0
    with source.open("r", encoding=encoding, newline="") as src, \
            target.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=csv.QUOTE_ALL)
        for record in csv.reader(src, delimiter=delimiter):
            writer.writerow(record)
            n += 1
    return n


def quoted_copy(source_dir: Path, target_dir: Path) -> Path:
    """`target_dir` holding a fully quoted copy of every CSV of `source_dir` (other files copied),
    written once: a complete copy is reused."""
    if (target_dir / MARKER).exists():
        return target_dir
    shutil.rmtree(target_dir, ignore_errors=True)
    target_dir.mkdir(parents=True)
    records = {}
    for path in sorted(source_dir.iterdir()):
        if path.suffix.lower() == ".csv":
            records[path.name] = quote_file(path, target_dir / path.name)
        elif path.is_file():
            shutil.copyfile(path, target_dir / path.name)
    (target_dir / MARKER).write_text(json.dumps({"source": str(source_dir), "records": records}), encoding="utf-8")
    return target_dir


def time_loads(source_dir: Path, target_dir: Path, runs: int) -> dict[str, list[dict[str, float]]]:
    """Wall and CPU seconds of loading each folder, `runs` times, unquoted and quoted in turn.

    `read_cpu_s` is the part of the CPU seconds spent reading the files (`extract.read.normalise`,
    on the loader's reading thread): the only step whose input differs between the two folders, and
    a figure that other work on the machine hardly moves, where whole-load times on a shared
    machine vary by more than the difference between the folders.
    """
    import duckdb

    import extract.load
    from extract.load import load_extracts

    normalise = extract.load.normalise
    read_cpu = [0.0]

    def timed_normalise(*args: object) -> object:
        start = time.thread_time()
        try:
            return normalise(*args)
        finally:
            read_cpu[0] += time.thread_time() - start

    times: dict[str, list[dict[str, float]]] = {"unquoted": [], "quoted": []}
    extract.load.normalise = timed_normalise
    try:
        for _ in range(runs):
            for name, folder in (("unquoted", source_dir), ("quoted", target_dir)):
                with tempfile.TemporaryDirectory() as work:
                    con = duckdb.connect(str(Path(work) / "load.duckdb"))
                    read_cpu[0] = 0.0
                    wall, cpu = time.perf_counter(), time.process_time()
                    result = load_extracts(folder, con, Path(work) / "normalised")
                    times[name].append({"wall_s": round(time.perf_counter() - wall, 2),
                                        "cpu_s": round(time.process_time() - cpu, 2),
                                        "read_cpu_s": round(read_cpu[0], 2), "defects": len(result.defects)})
                    con.close()
                print(f"{name}: {times[name][-1]}", flush=True)
    finally:
        extract.load.normalise = normalise
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for key in ("wall_s", "cpu_s", "read_cpu_s"):
        ratio = (statistics.median(t[key] for t in times["quoted"])
                 / statistics.median(t[key] for t in times["unquoted"]))
        print(f"quoted / unquoted, median {key}: {ratio:.2f}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quoted", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--time", action="store_true", help="then time loading both folders, interleaved")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    quoted_copy(args.source, args.target)
    print(f"quoted copy in {args.target}")
    if args.time:
        time_loads(args.source, args.target, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
