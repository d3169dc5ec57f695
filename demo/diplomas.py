"""The diploma register and the journal of strict-accountability blanks of the demo university
(the optional files diplomas.csv and blank_movements.csv).

Every graduate of the window gets a diploma and a supplement a few days after the graduation order
takes effect, on blanks of the level's series numbered in issue order. Each academic year the office
receives the year's blanks in May (the graduates' count and a few spares), issues them by one act per
graduation order, and spoils one blank per series; the spares stay on hand. One early graduate gets a
duplicate of a lost diploma in the last year, on a new blank. No diploma is marked with honours: the
honours rule (docs/rules.md A3) is the warehouse's to apply, and the demo does not repeat it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np

from demo.calendar import workday, ymd
from demo.codes import LEVELS, require

KINDS: tuple[str, ...] = require("diploma_kinds", "kind", ("diploma", "supplement"))
RECEIVED, ISSUED, SPOILED = require("blank_movement_types", "movement", ("received", "issued", "spoiled"))
# The series printed on each kind of blank, by level of study (LEVELS order)
SERIES: dict[str, tuple[str, ...]] = {"diploma": ("ЖБ-Б", "ЖМ-М", "ЖД-Д"), "supplement": ("ЖБ-Қ", "ЖМ-Қ", "ЖД-Қ")}
FIRST_NUMBER = 10001  # written with leading zeros, as printed: 0010001
SPARES = 5
ISSUE_AFTER_DAYS = 7


def _number(n: int) -> str:
    return f"{n:07d}"


def register_rows(batches: Iterable[tuple[int, np.ndarray]], level_of: np.ndarray, sid: list[str],
                  first_year: int) -> tuple[list[tuple], list[tuple]]:
    """(diplomas rows, blank_movements rows) for the graduation orders `batches` (effective day, students)
    of the window's academic years; `level_of` is each student's level index."""
    assert len(LEVELS) == len(SERIES["diploma"])
    window = ymd(first_year, 9, 1)
    per_year: dict[int, list[tuple[int, np.ndarray]]] = {}
    for effective, students in sorted(batches, key=lambda b: (b[0], int(b[1][0]) if len(b[1]) else -1)):
        if effective >= window:
            when = date.fromordinal(effective)
            per_year.setdefault(when.year - 1 if when.month < 9 else when.year, []).append((effective, students))
    next_number = {(k, s): FIRST_NUMBER for k in KINDS for s in SERIES[k]}
    diplomas: list[tuple] = []
    movements: list[tuple] = []
    duplicate_for: tuple[int, str, str] | None = None  # (student, series, number) of the first diploma
    years = sorted(per_year)
    for year in years:
        issued: dict[tuple[str, str], list[tuple[int, int, int]]] = {}  # (kind, series) -> (student, number, day)
        acts = 0
        for effective, students in per_year[year]:
            day = workday(effective + ISSUE_AFTER_DAYS)
            for kind in KINDS:
                for s in sorted(students.tolist(), key=lambda x: sid[x]):
                    series = SERIES[kind][int(level_of[s])]
                    issued.setdefault((kind, series), []).append((s, 0, day))
        wants_duplicate = year == years[-1] and duplicate_for is not None and len(years) > 1
        for invoice, ((kind, series), rows) in enumerate(sorted(issued.items()), start=1):
            start = next_number[(kind, series)]
            extra = 1 if wants_duplicate and kind == KINDS[0] and series == duplicate_for[1] else 0
            count = len(rows) + extra + SPARES
            received_on = workday(ymd(year + 1, 5, 15))
            movements.append((kind, series, _number(start), _number(start + count - 1), RECEIVED,
                              date.fromordinal(received_on).isoformat(), f"ЖҚ-{year + 1}-{invoice:03d}"))
            number = start
            by_day: dict[int, list[int]] = {}
            for s, _, day in rows:
                diplomas.append((sid[s], kind, series, _number(number), date.fromordinal(day).isoformat(), False, None))
                if duplicate_for is None and kind == KINDS[0]:
                    duplicate_for = (s, series, _number(number))
                by_day.setdefault(day, []).append(number)
                number += 1
            for day, numbers in sorted(by_day.items()):
                acts += 1
                movements.append((kind, series, _number(numbers[0]), _number(numbers[-1]), ISSUED,
                                  date.fromordinal(day).isoformat(), f"Акт-{year + 1}-{acts:03d}"))
            if extra:
                assert duplicate_for is not None
                day = workday(ymd(year + 1, 7, 15))  # before the summer's last orders, so inside the extract
                diplomas.append((sid[duplicate_for[0]], kind, series, _number(number),
                                 date.fromordinal(day).isoformat(), False, duplicate_for[2]))
                acts += 1
                movements.append((kind, series, _number(number), _number(number), ISSUED,
                                  date.fromordinal(day).isoformat(), f"Акт-{year + 1}-{acts:03d}"))
                number += 1
            acts += 1
            last = max(day for _, _, day in rows)
            movements.append((kind, series, _number(number), _number(number), SPOILED,
                              date.fromordinal(last).isoformat(), f"Акт-{year + 1}-{acts:03d}"))
            next_number[(kind, series)] = start + count
    return diplomas, movements
