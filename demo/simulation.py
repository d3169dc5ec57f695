"""The simulation: the life of the student body year by year, term by term."""

from __future__ import annotations

from demo.calendar import LAST_ACADEMIC_YEAR, academic_terms, ymd
from demo.catalogue import PROGRAMMES
from demo.codes import ACTIVE
from demo.orders import Movements
from demo.recognitions import Recognitions
from demo.sessions import Sessions


class Simulation(Movements, Recognitions, Sessions):
    """Term-by-term life of the student body: the registrar's orders and the exam sessions."""

    def run(self) -> None:
        """Every academic year from the oldest cohort's intake; the window's years are written."""
        first = self.first_year - max(p.years for p in PROGRAMMES) + 1
        for year in range(first, LAST_ACADEMIC_YEAR + 1):
            in_window = year >= self.first_year
            autumn, spring, summer = academic_terms(year)
            self.open_year(year, in_window)
            self.run_term(autumn, in_window)
            self.open_spring(year, in_window)
            self.run_term(spring, in_window)
            self.graduate(year)
            self.return_from_mobility(year, 2, ymd(year + 1, 7, 1), ymd(year + 1, 7, 5))
            self.run_summer(summer, in_window)
            self.promote(year)
            if in_window:
                active = int((self.status == ACTIVE).sum())
                self.progress(f"{autumn.academic_year}: {active:,} active students after promotion, "
                              f"{self.grades.rows:,} grade rows so far")
