"""Two nights of one university's exports, for the bench's nightly scenario (`registrar-bench --sizes 5000n`).

    python -m bench.nightly SOURCE_DIR TARGET_DIR

A registrar refreshes every night from a full export, and the export of one night differs from the
night before's by that day's work. From a folder of extracts (the demo's), this writes
`TARGET_DIR/night1` and `TARGET_DIR/night2`:

- night 2 is the source with one grade of a closed term corrected (the exam score of the first
  grade line of the earliest term, raised by one point: a registrar's correction of an old sheet);
- night 1 is the source as it was a day earlier: without the orders signed on the source's last
  order day, without the grades graded in the last NEW_GRADE_DAYS days of grading (the current
  term's newest sheets), with the old grade uncorrected. A student whose every order was signed on
  that last day (a new admission) is not in night 1 at all, and no file of night 1 holds a diploma of a
  student with such an order (a diploma follows its graduation order), and the students file holds the
  status, programme and funding that each other student with such an order had before it: those of
  their orders before the last day, replayed in the order of seed movement_types (the AIS's record
  of a day earlier, which the warehouse checks the orders against).

Both nights pass the loader's and the warehouse's checks as the source does. Each file keeps its
encoding, delimiter and line ending, and a file of neither change is copied as it is. The pair is
written once: a complete pair (its MARKER) is reused.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.quoted import dialect
from extract.contract import entity
from extract.read import detect_encoding
from registrar.common.paths import PROJECT_DIR

MARKER = "nightly.json"  # written last: a folder holding it is a complete pair
NEW_GRADE_DAYS = 3  # the days of grading that night 2 adds to night 1
_STUDENT = "student_id"
MOVEMENT_TYPES = PROJECT_DIR / "seeds" / "movement_types.csv"
# what the students file records of the orders besides the status: the attributes rpt_contingent_mismatches
# compares with the replayed orders (a check night 1 must pass as night 2 does)
_RECORDED = ("program_code", "funding")

Row = dict[str, str]
Output = tuple[Path, Callable[[Row], bool], Callable[[Row], Row]]  # a file written, the rows it keeps, each as
# the function gives it


def _format(path: Path) -> tuple[str, str, str]:
    """The file's encoding, delimiter and line ending."""
    encoding = detect_encoding(path) or "utf-8"
    return (encoding, *dialect(path, encoding))


def _rows(path: Path) -> Iterator[Row]:
    encoding, delimiter, _ending = _format(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        yield from csv.DictReader(fh, delimiter=delimiter)


def _columns(path: Path) -> list[str]:
    encoding, delimiter, _ending = _format(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        return next(csv.reader(fh, delimiter=delimiter), [])


def _keep_all(_row: Row) -> bool:
    return True


def _as_is(row: Row) -> Row:
    return row


def _rewrite(source: Path, outputs: list[Output]) -> list[int]:
    """`source` written to each output's file in one read, in its encoding, delimiter and line ending, with
    the rows the output keeps, each as it gives it; per output, the rows left out."""
    encoding, delimiter, ending = _format(source)
    dropped = [0] * len(outputs)
    with source.open("r", encoding=encoding, newline="") as src, contextlib.ExitStack() as files:
        reader = csv.DictReader(src, delimiter=delimiter)
        writers = [csv.DictWriter(files.enter_context(target.open("w", encoding=encoding, newline="")),
                                  fieldnames=list(reader.fieldnames or ()), delimiter=delimiter,
                                  lineterminator=ending) for target, _keep, _change in outputs]
        for writer in writers:
            writer.writeheader()
        for row in reader:
            for i, (writer, (_target, keep, change)) in enumerate(zip(writers, outputs, strict=True)):
                if keep(row):
                    writer.writerow(change(row))
                else:
                    dropped[i] += 1
    return dropped


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _record_before(earlier_orders: list[Row], students: set[str]) -> dict[str, Row]:
    """Per student of `students`: the status, programme and funding their `earlier_orders` leave, replayed
    by effective date and the movement's sequence (seed movement_types); a value no earlier order sets is
    left out."""
    movements = {row["movement"]: row for row in _rows(MOVEMENT_TYPES)}
    before = sorted((row for row in earlier_orders if row[_STUDENT] in students),
                    key=lambda row: (row["effective_date"], int(movements[row["movement"]]["sequence_in_order"])))
    record: dict[str, Row] = {}
    for row in before:
        values = record.setdefault(row[_STUDENT], {})
        status = movements[row["movement"]]["status_after"]
        if status:
            values["status"] = status
        values.update({column: row[column] for column in _RECORDED if row.get(column)})
    return record


def _grading(source_dir: Path) -> tuple[dt.date, tuple[str, ...], str, str]:
    """From one read of the grades: the last day of grading, and the grade night 2 corrects (its key:
    student, discipline, year, term, attempt), its exam score and the corrected one. That grade is the
    first line of the earliest academic year's first term whose exam is below the contract's maximum."""
    earliest = min((row["academic_year"], row["term"]) for row in _rows(source_dir / "calendar.csv"))
    top = entity("grades").column("exam").max
    last: dt.date | None = None
    corrected: tuple[tuple[str, ...], str, str] | None = None
    for row in _rows(source_dir / "grades.csv"):
        day = _day(row["graded_on"])
        if day and (last is None or day > last):
            last = day
        exam = row["exam"].strip()
        if corrected is None and (row["academic_year"], row["term"]) == earliest and exam.isdigit() \
                and int(exam) < top:
            corrected = tuple(row[c] for c in entity("grades").key), exam, str(int(exam) + 1)
    if last is None or corrected is None:
        raise ValueError(f"no graded day or no grade of {earliest} to correct in {source_dir / 'grades.csv'}")
    return last, *corrected


def nightly_pair(source_dir: Path, target_dir: Path) -> dict[str, object]:
    """Write night 1 and night 2 of `source_dir` under `target_dir` (once) and return what differs."""
    marker = target_dir / MARKER
    if marker.exists():
        return json.loads(marker.read_text(encoding="utf-8"))
    shutil.rmtree(target_dir, ignore_errors=True)
    night1, night2 = target_dir / "night1", target_dir / "night2"
    night1.mkdir(parents=True)
    night2.mkdir()

    orders = [(_day(row["order_date"]), row) for row in _rows(source_dir / "orders.csv")]
    last_order_day = max(day for day, _row in orders if day)
    signed_last = {row[_STUDENT] for day, row in orders if day == last_order_day}
    earlier_orders = [row for day, row in orders if day != last_order_day]
    new_students = signed_last - {row[_STUDENT] for row in earlier_orders}  # admitted on the last day: in no
    # file of night 1
    last_graded, key, exam, corrected = _grading(source_dir)
    new_grades_from = last_graded - dt.timedelta(days=NEW_GRADE_DAYS - 1)
    record = _record_before(earlier_orders, signed_last)
    grade_key = entity("grades").key

    def correct(row: Row) -> Row:
        return {**row, "exam": corrected} if tuple(row[c] for c in grade_key) == key else row

    def as_before(row: Row) -> Row:
        return {**row, **record.get(row[_STUDENT], {})}

    def in_night1(name: str) -> Callable[[Row], bool]:
        if name == "orders":
            return lambda row: _day(row["order_date"]) != last_order_day
        if name == "grades":
            return lambda row: row[_STUDENT] not in new_students and not (
                (day := _day(row["graded_on"])) and day >= new_grades_from)
        if name == "diplomas":
            return lambda row: row[_STUDENT] not in signed_last
        return lambda row: row.get(_STUDENT) not in new_students

    removed: dict[str, int] = {}
    for path in sorted(source_dir.iterdir()):
        if path.suffix.lower() != ".csv":
            if path.is_file():
                shutil.copyfile(path, night1 / path.name)
                shutil.copyfile(path, night2 / path.name)
            continue
        name = path.stem.lower()
        outputs: list[Output] = []
        if name == "students":
            outputs.append((night1 / path.name, in_night1(name), as_before))
        elif name in ("orders", "grades", "diplomas") or (new_students and _STUDENT in _columns(path)):
            outputs.append((night1 / path.name, in_night1(name), _as_is))
        else:
            shutil.copyfile(path, night1 / path.name)
        if name == "grades":  # both nights from one read
            outputs.append((night2 / path.name, _keep_all, correct))
        else:
            shutil.copyfile(path, night2 / path.name)
        if outputs:
            removed[name] = _rewrite(path, outputs)[0]

    summary: dict[str, object] = {
        "source": str(source_dir), "night1": str(night1), "night2": str(night2),
        "last_order_day": last_order_day.isoformat(), "new_grades_from": new_grades_from.isoformat(),
        "new_students": len(new_students), "rows_only_in_night2": removed,
        "students_recorded_as_before": sum(1 for student in record if student not in new_students),
        "corrected_grade": {"key": list(key), "exam_night1": exam, "exam_night2": corrected},
    }
    marker.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nightly", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(nightly_pair(args.source, args.target), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
