"""Recognition of results earned elsewhere (rules 4.1.16, B4): a transfer student's earlier semesters,
a term of academic mobility, prior learning after a programme change, and IELTS certificates. A few
deliberate flaws (wrong credits, a discipline already passed) give the warehouse's checks something
to catch.
"""

from __future__ import annotations

import numpy as np

from demo.calendar import ymd
from demo.catalogue import BACHELOR, IELTS_DISCIPLINE
from demo.codes import SEMESTER_TERMS
from demo.grading import ects, letter, traditional
from demo.order_book import Recognition
from demo.rules import rules
from demo.state import SimulationState

FIRST_TERM = SEMESTER_TERMS[0]  # the term transfers and prior learning are recognised in


class Recognitions(SimulationState):
    """Protocols of the recognition commission."""

    def recognised_scores(self, n: int) -> list[int]:
        lowest = rules().lowest_pass
        return np.clip(np.rint(self.rng.normal(80.0, 10.0, n)), lowest, 100).astype(int).tolist()

    def recognise(self, when: int, s: int, year: int, term: str, origin: str, discs: list[int],
                  scores: list[int], grades: list[str], credits: list[int] | None = None) -> None:
        credits = credits or [int(self.uni.credits[d]) for d in discs]
        self.recognitions.append(Recognition(when, s, year, term, origin, discs, credits, scores, grades))

    def recognise_transfer(self, s: int, year: int, effective: int) -> None:
        """Earlier semesters of a transfer student, from the other university's transcript."""
        plan = int(self.programme[s])
        discs = [d for sem in range(1, int(self.done[s]) + 1) for d in self.uni.semester(plan, sem)]
        scores = self.recognised_scores(len(discs))
        credits = [int(self.uni.credits[d]) for d in discs]
        for k in range(len(credits)):
            self.flaw_counter["transfer"] += 1
            if self.flaw_counter["transfer"] % 150 == 0:  # a flaw to catch: the other university's credits
                credits[k] += 1 if credits[k] < 5 else -1
        from_traditional = self.rng.random() < 0.3
        grades = [traditional(x) if from_traditional else letter(x) for x in scores]
        when = effective + int(self.rng.integers(5, 25))
        self.recognise(when, s, year, FIRST_TERM, "transfer", discs, scores, grades, credits)

    def recognise_mobility(self, s: int, year: int, term: int, effective: int) -> None:
        """The semester taken abroad; now and then the protocol also lists a discipline passed at home."""
        sem = 2 * (int(self.course[s]) - 1) + term
        discs = list(self.uni.semester(int(self.programme[s]), sem))
        scores = self.recognised_scores(len(discs))
        self.flaw_counter["mobility"] += 1
        if self.flaw_counter["mobility"] % 25 == 0:  # a flaw to catch: a discipline passed at home listed too
            passed = [d for d in self.uni.semester(int(self.programme[s]), sem - 1)
                      if d not in self.debts.get(s, {}) and s * self.n_disc + d not in self.exempt]
            if passed:
                discs.append(passed[0])
                scores.append(scores[0])
        when = effective + int(self.rng.integers(10, 25))
        self.recognise(when, s, year, SEMESTER_TERMS[term - 1], "mobility", discs, scores,
                       [ects(x) for x in scores])
        self.done[s] = max(int(self.done[s]), sem)
        self.add_results(np.full(len(discs), s), np.asarray(discs), np.asarray(scores))

    def recognise_plan_difference(self, s: int, old: int, year: int, effective: int) -> None:
        """After a programme change, the new plan's own disciplines of past semesters (prior learning)."""
        past = range(1, int(self.done[s]) + 1)
        taken = {d for sem in past for d in self.uni.semester(old, sem)}
        discs = [d for sem in past for d in self.uni.semester(int(self.programme[s]), sem) if d not in taken]
        if discs:
            scores = self.recognised_scores(len(discs))
            when = effective + int(self.rng.integers(7, 20))
            self.recognise(when, s, year, FIRST_TERM, "prior_learning", discs, scores, [letter(x) for x in scores])

    def recognise_certificates(self, year: int, admitted: np.ndarray) -> None:
        """Foreign language 1 recognised from an IELTS certificate for a few first-year bachelors."""
        fl1 = self.uni.index[IELTS_DISCIPLINE]
        for s in self.pick(admitted[self.level(admitted) == BACHELOR], 0.01).tolist():
            score = int(self.rng.integers(88, 101))
            when = ymd(year, 9, 10) + int(self.rng.integers(0, 10))
            band = "7.0" if score >= 95 else "6.5"
            self.recognise(when, s, year, FIRST_TERM, "prior_learning", [fl1], [score], [f"IELTS {band}"])
            self.exempt.add(s * self.n_disc + fl1)
            self.add_results(np.array([s]), np.array([fl1]), np.array([score]))
