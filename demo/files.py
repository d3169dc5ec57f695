"""The extract files the demo writes: their names and headers, in the order a refresh reads them, and
the writers. The demo writes each header itself (the loader matches columns by header name), so it
needs no pipeline module; tests/unit/test_demo.py checks the headers against the extract contract.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

FILES: dict[str, tuple[str, ...]] = {
    "faculties": ("faculty_code", "name_kk", "name_ru", "name_en"),
    "programs": ("program_code", "faculty_code", "level", "name_kk", "name_ru", "name_en", "program_group",
                 "credits_required", "duration_years"),
    "disciplines": ("discipline_code", "name_kk", "name_ru", "name_en", "credits", "assessment", "counts_in_gpa",
                    "is_final_attestation"),
    "curriculum": ("program_code", "intake_year", "discipline_code", "semester_no"),
    "teachers": ("teacher_id", "full_name", "faculty_code", "department"),
    "students": ("student_id", "iin", "last_name", "first_name", "middle_name", "gender", "birth_date",
                 "citizenship", "program_code", "study_form", "study_language", "funding", "group_code",
                 "advisor_id", "social_benefit", "status", "admission_basis"),
    "orders": ("order_no", "order_date", "student_id", "movement", "effective_date", "reason", "program_code",
               "funding", "course", "study_form", "study_language", "group_code", "ends_on"),
    "enrollments": ("student_id", "discipline_code", "academic_year", "term", "group_code", "teacher_id"),
    "grades": ("student_id", "discipline_code", "academic_year", "term", "attempt", "rk1", "rk2", "exam",
               "graded_on"),
    "recognitions": ("protocol_no", "protocol_date", "student_id", "discipline_code", "academic_year", "term",
                     "credits", "final_score", "origin", "original_grade"),
    "calendar": ("academic_year", "term", "starts_on", "ends_on", "exams_start_on", "exams_end_on"),
    # the two optional files: the diploma register and the journal of strict-accountability blanks
    "diplomas": ("student_id", "kind", "series", "number", "issued_on", "honours", "duplicate_of"),
    "blank_movements": ("kind", "series", "number_from", "number_to", "movement", "moved_on", "document"),
}


def write_rows(path: Path, e_name: str, rows: Iterable[Sequence[object]]) -> int:
    """A small file through the csv module (quotes only where a value needs it)."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FILES[e_name])
        for row in rows:
            writer.writerow(["true" if v is True else "false" if v is False else "" if v is None else v
                             for v in row])
            count += 1
    return count


class ArrowSink:
    """A large CSV file written batch by batch with pyarrow (values never need quoting)."""

    def __init__(self, path: Path, e_name: str) -> None:
        self.e_name = e_name
        self.names = FILES[e_name]
        self.fh: BinaryIO = path.open("wb")
        self.fh.write((",".join(self.names) + "\n").encode())
        self.rows = 0

    def write(self, columns: dict[str, pa.Array]) -> None:
        assert tuple(columns) == self.names, (self.e_name, tuple(columns))
        table = pa.table(columns)
        if table.num_rows:
            pacsv.write_csv(table, self.fh, pacsv.WriteOptions(include_header=False, quoting_style="none"))
            self.rows += table.num_rows

    def close(self) -> int:
        self.fh.close()
        return self.rows


def take(values: pa.Array, idx: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """values[idx] as an arrow array; null where `missing`."""
    return pc.take(values, pa.array(idx.astype(np.int32), mask=missing))


def repeat(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value), n)


def score(tenths: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(tenths / 10.0, mask=missing)

