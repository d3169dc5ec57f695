"""The state of the simulated student body, shared by the simulation's parts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from demo.calendar import EXTRACT_DATE, ymd
from demo.catalogue import FACULTIES, Rng, University
from demo.codes import NOT_YET
from demo.files import ArrowSink
from demo.order_book import OrderBook, Recognition
from demo.people import Groups, Teachers
from demo.population import Population


class SimulationState:
    """What the simulation knows of every student, and helpers shared by its parts.

    State is one numpy array per attribute (indexed by student), so a term of 100,000
    students is a handful of vector operations; only rare events loop in Python. The
    movements (demo.orders), recognitions (demo.recognitions) and exam sessions
    (demo.sessions) are mixins over this state, joined in demo.simulation.Simulation.
    """

    def __init__(self, uni: University, pop: Population, teachers: Teachers, groups: Groups, first_year: int,
                 out_dir: Path, rng: Rng, progress: Callable[[str], None]) -> None:
        self.uni, self.pop, self.teachers, self.groups = uni, pop, teachers, groups
        self.first_year = first_year
        self.rng = rng
        self.progress = progress
        n = pop.size
        self.status = np.full(n, NOT_YET, np.int8)
        self.programme = pop.programme.copy()
        self.course = np.zeros(n, np.int32)
        self.funding = pop.funding.copy()
        self.form = pop.form.copy()
        self.language = pop.language.copy()
        self.group = pop.group.copy()
        self.done = np.zeros(n, np.int32)  # last plan semester sat or recognised
        self.leave_until = np.full(n, -1, np.int32)  # 2 * year + term index of the planned return
        self.leave_for_good = np.zeros(n, bool)  # will not come back from the leave
        self.mobility_term = np.zeros(n, np.int8)
        self.expelled_year = np.full(n, -1, np.int32)
        self.expelled_reason = np.full(n, -1, np.int32)
        self.last_gpa = np.full(n, np.nan)
        self.busy = np.zeros(n, bool)  # already named in an order of this term's opening
        self.debts: dict[int, dict[int, int]] = {}  # student -> discipline -> plan semester
        self.exempt: set[int] = set()  # student * D + discipline, recognised before it was taught
        self.results: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # this year's
        self.orders = OrderBook()
        self.recognitions: list[Recognition] = []
        self.flaw_counter = {"mobility": 0, "transfer": 0}
        self.date_base = ymd(first_year - 6, 1, 1)
        days = range(self.date_base, EXTRACT_DATE.toordinal() + 366)
        self.dates = pa.array([date.fromordinal(o).isoformat() for o in days])
        self.sid = pa.array(pop.sid)
        self.dcode = pa.array([d.code for d in uni.disciplines])
        self.tid = pa.array(teachers.ids)
        self.enrollments = ArrowSink(out_dir / "enrollments.csv", "enrollments")
        self.grades = ArrowSink(out_dir / "grades.csv", "grades")

    # ---- helpers

    @property
    def n_disc(self) -> int:
        return len(self.uni.disciplines)

    def duration(self, students: np.ndarray) -> np.ndarray:
        return self.uni.prog_years[self.programme[students]]

    def level(self, students: np.ndarray) -> np.ndarray:
        return self.uni.prog_level[self.programme[students]]

    def faculty(self, students: np.ndarray) -> np.ndarray:
        return self.uni.prog_faculty[self.programme[students]]

    def pick(self, candidates: np.ndarray, p: float | np.ndarray) -> np.ndarray:
        return candidates[self.rng.random(len(candidates)) < p]

    def day_in(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.integers(0, hi - lo + 1))

    def cohort_group(self, s: int, year: int) -> int:
        """A group of the cohort now in the student's course (after a leave, repeat or readmission)."""
        intake = year - (int(self.course[s]) - 1)
        return self.groups.find(int(self.programme[s]), intake, int(self.language[s]))

    def by_faculty(self, students: np.ndarray) -> Iterable[np.ndarray]:
        fac = self.faculty(students)
        for f in range(len(FACULTIES)):
            if (fac == f).any():
                yield students[fac == f]

    def by_day(self, students: np.ndarray, lo: int, hi: int) -> Iterable[tuple[int, np.ndarray]]:
        """Students spread over random days in [lo, hi]: one order per day."""
        days = lo + self.rng.integers(0, hi - lo + 1, len(students))
        for day in np.unique(days):
            yield int(day), students[days == day]

    def state_columns(self, students: np.ndarray) -> dict[str, np.ndarray]:
        return {"program_code": self.programme[students], "funding": self.funding[students],
                "course": self.course[students], "study_form": self.form[students],
                "study_language": self.language[students], "group_code": self.group[students]}

