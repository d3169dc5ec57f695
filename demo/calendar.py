"""The demo university's calendar: the simulated window, its terms and exam sessions, and signing days.

Dates are day ordinals (date.toordinal) inside the simulation, so whole cohorts shift by arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from demo.codes import SEMESTER_TERMS, SUMMER_TERM

LAST_ACADEMIC_YEAR = 2025  # the academic year 2025-2026 is the last one simulated
EXTRACT_DATE = date(2026, 8, 31)  # "today": after the last year's summer term and promotions


def ymd(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal()


def workday(ordinal: int) -> int:
    """The day itself, or the Friday before when it falls on a weekend (orders are signed on workdays)."""
    return ordinal - max(0, date.fromordinal(ordinal).weekday() - 4)


@dataclass(frozen=True)
class Term:
    """One academic period with its exam session (calendar.csv row)."""

    year: int
    label: str  # the term code (seed terms)
    semester: int  # 1 = autumn, 2 = spring, 0 = the summer term
    starts: int
    ends: int
    exams_start: int
    exams_end: int

    @property
    def academic_year(self) -> str:
        return f"{self.year}-{self.year + 1}"


def academic_terms(y: int) -> tuple[Term, Term, Term]:
    """Autumn term, spring term and the 6-week summer term of academic year y-(y+1)."""
    autumn, spring = SEMESTER_TERMS
    return (
        Term(y, autumn, 1, ymd(y, 9, 1), ymd(y + 1, 1, 10), ymd(y, 12, 16), ymd(y + 1, 1, 10)),
        Term(y, spring, 2, ymd(y + 1, 1, 20), ymd(y + 1, 6, 7), ymd(y + 1, 5, 19), ymd(y + 1, 6, 7)),
        Term(y, SUMMER_TERM, 0, ymd(y + 1, 6, 15), ymd(y + 1, 7, 26), ymd(y + 1, 7, 13), ymd(y + 1, 7, 26)),
    )
