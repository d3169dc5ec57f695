"""The rector's orders and recognition protocols collected during the simulation, and how orders.csv
numbers and writes them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from demo.calendar import EXTRACT_DATE
from demo.catalogue import PROGRAMMES
from demo.codes import FUNDINGS, LANGUAGES, MOVEMENTS, REASON_CODES, movement_index
from demo.files import ArrowSink, take
from demo.population import STUDY_FORMS


@dataclass
class Batch:
    """One rector's order: its dates, movement and the students it names."""

    movement: int
    order_date: int
    effective: int
    students: np.ndarray
    columns: dict[str, np.ndarray]  # reason/programme/funding/course/form/language/group, -1 = empty
    ends_on: np.ndarray | None = None  # planned last day (a date ordinal) of a leave, -1 = empty


ORDER_VALUE_COLUMNS = ("reason", "program_code", "funding", "course", "study_form", "study_language",
                       "group_code")


class OrderBook:
    """Orders collected during the simulation, numbered by signing date at the end."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []

    def add(self, movement: str, order_date: int, effective: int, students: np.ndarray,
            ends_on: np.ndarray | None = None, **values: np.ndarray | int) -> None:
        students = np.asarray(students, np.int64)
        if not len(students):
            return
        cols = {}
        for name, v in values.items():
            assert name in ORDER_VALUE_COLUMNS, name
            cols[name] = np.broadcast_to(np.asarray(v, np.int64), students.shape).copy()
        assert order_date <= EXTRACT_DATE.toordinal() and effective <= EXTRACT_DATE.toordinal()
        ends = None if ends_on is None else np.broadcast_to(np.asarray(ends_on, np.int64), students.shape).copy()
        self.batches.append(Batch(movement_index(movement), order_date, effective, students, cols, ends))

    def write(self, sink: ArrowSink, sid: pa.Array, dates: pa.Array, date_base: int,
              groups: list[str]) -> None:
        """All orders numbered 1-С, 2-С, ... in signing order; rows by order number and student."""
        order = sorted(range(len(self.batches)), key=lambda i: (self.batches[i].order_date, i))
        batches = [self.batches[i] for i in order]
        sizes = np.array([len(b.students) for b in batches])
        which = np.repeat(np.arange(len(batches)), sizes)
        students = np.concatenate([b.students for b in batches])
        numbers = pa.array([f"{k + 1}-С" for k in range(len(batches))])
        per_batch = np.array([[b.movement, b.order_date, b.effective] for b in batches], np.int64)[which]
        values = {c: np.concatenate([b.columns.get(c, np.full(len(b.students), -1)) for b in batches])
                  for c in ORDER_VALUE_COLUMNS}
        ends_on = np.concatenate([b.ends_on if b.ends_on is not None else np.full(len(b.students), -1)
                                  for b in batches])
        rows = np.lexsort((students, which))
        students, which, per_batch, ends_on = students[rows], which[rows], per_batch[rows], ends_on[rows]
        values = {c: v[rows] for c, v in values.items()}
        lookups = {"reason": REASON_CODES, "program_code": [p.code for p in PROGRAMMES], "funding": FUNDINGS,
                   "study_form": STUDY_FORMS, "study_language": LANGUAGES, "group_code": groups}
        out: dict[str, pa.Array] = {
            "order_no": take(numbers, which),
            "order_date": take(dates, per_batch[:, 1] - date_base),
            "student_id": take(sid, students),
            "movement": take(pa.array(MOVEMENTS), per_batch[:, 0]),
            "effective_date": take(dates, per_batch[:, 2] - date_base),
        }
        for c in ORDER_VALUE_COLUMNS:
            v = values[c]
            if c == "course":
                out[c] = pa.array(v, mask=v < 0)
            else:
                out[c] = take(pa.array(lookups[c]), np.maximum(v, 0), v < 0)
        # the planned end of a leave, where the order gives one and it lies within the calendar written
        planned = (ends_on >= date_base) & (ends_on - date_base < len(dates))
        out["ends_on"] = take(dates, np.where(planned, ends_on - date_base, 0), ~planned)
        sink.write({name: out[name] for name in sink.names})


@dataclass
class Recognition:
    """One protocol of the recognition commission for one student."""

    protocol_date: int
    student: int
    year: int
    term: str
    origin: str
    disciplines: list[int]
    credits: list[int]
    scores: list[int]
    grades: list[str]
