"""Movements of the student body (контингент): every change of a student's status, course,
programme, funding or group is a rector's order (rules A4, B10), so replaying orders.csv gives
students.csv. Reasons are codes of seeds/movement_reasons.csv (demo.codes).
"""

from __future__ import annotations

import numpy as np

from demo.calendar import Term, workday, ymd
from demo.catalogue import BACHELOR, MASTER, PROGRAMMES, catalogue
from demo.codes import ACTIVE, EXPELLED, GRADUATED, ON_LEAVE, ON_MOBILITY, reason_index
from demo.population import ADMISSION, FULL_TIME, GRANT, PAID, TRANSFER
from demo.rules import rules
from demo.state import SimulationState

# Decisions of the demo's own university council. The warehouse reads promotions and grant awards
# from the orders and has no var for them, so they are the simulation's behaviour, not rules.
PROMOTION_MAX_DEBT_CREDITS = 20  # credits of debts a student may carry into the next course
VACANT_GRANT_MIN_GPA = 3.4  # paid students considered for a vacant state grant (rules A5)


class Movements(SimulationState):
    """The registrar's orders: arrivals, leaves, mobility, programme and funding changes, expulsions,
    graduation and promotion."""

    def open_year(self, year: int, in_window: bool) -> None:
        """Late August: vacant grants, returns, readmissions, admissions, programme changes, mobility."""
        self.busy[:] = False
        self.award_vacant_grants(year)
        self.return_from_leave(year, 0, ymd(year, 8, 28), ymd(year, 9, 1))
        self.readmit(year)
        self.admit(year, in_window)
        if in_window:  # recognitions are only written for the window's years
            self.change_programme(year)
            self.send_on_mobility(year, 1, ymd(year, 9, 1))

    def open_spring(self, year: int, in_window: bool) -> None:
        """January: back from autumn mobility and from leave, off on spring mobility."""
        self.busy[:] = False
        self.return_from_mobility(year, 1, ymd(year + 1, 1, 10), ymd(year + 1, 1, 16))
        self.return_from_leave(year, 1, ymd(year + 1, 1, 15), ymd(year + 1, 1, 19))
        if in_window:
            self.send_on_mobility(year, 2, ymd(year + 1, 1, 20))

    # ---- arrivals

    def admit(self, year: int, in_window: bool) -> None:
        """Admission orders (one per programme) and transfers from other universities (one per faculty)."""
        pop = self.pop
        arriving = np.flatnonzero(pop.arrival_year == year)
        admitted = arriving[pop.kind[arriving] == ADMISSION]
        for p in np.unique(pop.programme[admitted]):
            students = admitted[pop.programme[admitted] == p]
            # first-year bachelors are enrolled "from 1 September", masters and doctoral students in August
            late_august = self.day_in(ymd(year, 8, 25), ymd(year, 8, 31))
            effective = ymd(year, 9, 1) if PROGRAMMES[p].level == BACHELOR else late_august
            self.enter(students, 1)
            self.orders.add("admission", workday(effective - int(self.rng.integers(3, 9))), effective,
                            students, **self.state_columns(students))
        if in_window:
            self.recognise_certificates(year, admitted)
        transfers = arriving[pop.kind[arriving] == TRANSFER]
        for students in self.by_faculty(transfers):
            effective = self.day_in(ymd(year, 8, 26), ymd(year, 9, 1))
            for s in students.tolist():
                self.group[s] = self.groups.find(int(self.programme[s]), int(pop.intake[s]),
                                                 int(self.language[s]))
            self.enter(students, pop.course0[students])
            self.orders.add("transfer_in", workday(effective - int(self.rng.integers(2, 6))), effective,
                            students, **self.state_columns(students))
            for s in students.tolist():
                self.recognise_transfer(s, year, effective)

    def enter(self, students: np.ndarray, course: int | np.ndarray) -> None:
        self.status[students] = ACTIVE
        self.course[students] = course
        self.done[students] = 2 * (self.course[students] - 1)
        self.busy[students] = True

    def readmit(self, year: int) -> None:
        """Some expelled students come back a year or more later, on a paid basis, to the same course."""
        out = np.flatnonzero(self.status == EXPELLED)
        gap = year - self.expelled_year[out]
        reason = self.expelled_reason[out]
        left = np.isin(reason, [reason_index("own_will"), reason_index("non_payment")]) & (gap >= 1) & (gap <= 3)
        failed = (reason == reason_index("academic_failure")) & (gap >= 2) & (gap <= 3)
        thesis = (reason == reason_index("failed_final_attestation")) & (gap == 1)  # to defend the thesis again
        chance = np.select([left | failed, thesis], [0.06, 0.4], 0.0)
        chosen = self.pick(out, chance)
        if not len(chosen):
            return
        effective = self.day_in(ymd(year, 8, 27), ymd(year, 9, 1))
        self.status[chosen] = ACTIVE
        self.funding[chosen] = PAID
        self.expelled_year[chosen] = -1
        self.busy[chosen] = True
        for s in chosen.tolist():
            self.group[s] = self.cohort_group(s, year)
        self.orders.add("readmission", workday(effective - 2), effective, chosen,
                        **self.state_columns(chosen))

    # ---- movements during studies

    def award_vacant_grants(self, year: int) -> None:
        """Vacant state grants go to paid full-time students with a high GPA (rules A5)."""
        good = np.flatnonzero((self.status == ACTIVE) & (self.funding == PAID) & (self.last_gpa >= VACANT_GRANT_MIN_GPA)
                              & (self.form == FULL_TIME))
        chosen = self.pick(good, 0.15)
        if len(chosen):
            effective = self.day_in(ymd(year, 8, 21), ymd(year, 8, 24))
            self.funding[chosen] = GRANT
            self.busy[chosen] = True
            self.orders.add("funding_change", workday(effective), effective, chosen, funding=GRANT)

    def return_from_leave(self, year: int, term_index: int, lo: int, hi: int) -> None:
        """Leaves end at the start of a term; a few students never come back and are expelled."""
        due = np.flatnonzero((self.status == ON_LEAVE) & (self.leave_until == 2 * year + term_index))
        for day, students in self.by_day(due[self.leave_for_good[due]], lo, hi):
            self.expel(students, year, "own_will", day)
        for day, students in self.by_day(due[~self.leave_for_good[due]], lo, hi):
            self.status[students] = ACTIVE
            self.busy[students] = True
            for s in students.tolist():
                self.group[s] = self.cohort_group(s, year)
            self.orders.add("return_from_leave", workday(day - 3), day, students,
                            group_code=self.group[students])

    def change_programme(self, year: int) -> None:
        """A few second-year bachelors move to another programme of their faculty."""
        everyone = np.arange(len(self.status))
        candidates = np.flatnonzero((self.status == ACTIVE) & ~self.busy & (self.course == 2)
                                    & (self.level(everyone) == BACHELOR))
        moved: list[tuple[int, int]] = []
        for s in self.pick(candidates, 0.006).tolist():
            old = int(self.programme[s])
            options = [p for p, prog in enumerate(PROGRAMMES) if p != old and prog.level == BACHELOR
                       and prog.faculty == PROGRAMMES[old].faculty and prog.years == PROGRAMMES[old].years]
            if options:
                moved.append((s, old))
                self.switch_plan(s, options[int(self.rng.integers(len(options)))], year)
        if moved:
            chosen = np.array([s for s, _ in moved], np.int64)
            effective = self.day_in(ymd(year, 8, 26), ymd(year, 8, 28))
            self.busy[chosen] = True
            self.orders.add("program_change", workday(effective - 1), effective, chosen,
                            program_code=self.programme[chosen], group_code=self.group[chosen])
            for s, old in moved:
                self.recognise_plan_difference(s, old, year, effective)

    def switch_plan(self, s: int, new: int, year: int) -> None:
        """Debts in disciplines the new plan does not have are dropped with the old plan."""
        self.programme[s] = new
        self.group[s] = self.cohort_group(s, year)
        debts = self.debts.get(s)
        if debts:
            wanted = {d for sem in range(1, int(self.done[s]) + 1) for d in self.uni.semester(new, sem)}
            for d in [d for d in debts if d not in wanted]:
                del debts[d]
            if not debts:
                del self.debts[s]

    def send_on_mobility(self, year: int, term: int, effective: int) -> None:
        """Outgoing academic mobility for one term (bachelor courses 2..n-1, master course 1)."""
        active = np.flatnonzero((self.status == ACTIVE) & ~self.busy)
        level, course = self.level(active), self.course[active]
        eligible = ((level == BACHELOR) & (course >= 2) & (course < self.duration(active))) | (
            (level == MASTER) & (course == 1))
        eligible &= 2 * (course - 1) + term > self.done[active]  # not for a semester already sat
        chosen = self.pick(active[eligible], 0.012)
        if len(chosen):
            self.status[chosen] = ON_MOBILITY
            self.mobility_term[chosen] = term
            self.orders.add("mobility_out", workday(effective - 10), effective, chosen,
                            reason=reason_index("academic_mobility"))

    def return_from_mobility(self, year: int, term: int, lo: int, hi: int) -> None:
        """Back from mobility; the term abroad is recognised by a protocol (origin mobility)."""
        back = np.flatnonzero((self.status == ON_MOBILITY) & (self.mobility_term == term))
        if not len(back):
            return
        effective = self.day_in(lo, hi)
        self.status[back] = ACTIVE
        self.mobility_term[back] = 0
        self.busy[back] = True
        self.orders.add("mobility_return", workday(effective), effective, back)
        for s in back.tolist():
            self.recognise_mobility(s, year, term, effective)

    def expel(self, students: np.ndarray, year: int, why: str, effective: int,
              reasons: np.ndarray | None = None) -> None:
        if not len(students):
            return
        codes = np.full(len(students), reason_index(why)) if reasons is None else reasons
        self.status[students] = EXPELLED
        self.expelled_year[students] = year
        self.expelled_reason[students] = codes
        self.orders.add("expulsion", workday(effective), effective, students, reason=codes)

    def depart_mid_term(self, term: Term, students: np.ndarray) -> np.ndarray:
        """Academic leaves and expulsions during a term, before its exams; returns who left."""
        n = len(students)
        first_year = self.course[students] == 1
        paid = self.funding[students] == PAID
        chances = np.column_stack([  # per term; more students leave in their first year
            np.full(n, 0.0125),  # academic leave
            np.where(first_year, 0.016, 0.007),  # own will
            np.where(paid, np.where(first_year, 0.014, 0.007), 0.0),  # non-payment
            np.full(n, 0.003),  # transfer to another university
            np.full(n, 0.001),  # discipline
            np.full(n, 0.0001),  # death
        ])
        bounds = np.cumsum(chances, axis=1)
        u = self.rng.random(n)
        event = np.where(u < bounds[:, -1], (u[:, None] < bounds).argmax(axis=1), -1)
        lo, hi = term.starts + 14, term.exams_start - 7
        leaving = students[event == 0]
        self.send_on_leave(term, leaving, lo, hi)
        expelled = students[event >= 1]
        kinds = np.array([reason_index(r) for r in ("own_will", "non_payment", "transfer_out", "discipline", "death")])
        reasons = kinds[event[event >= 1] - 1]
        days = lo + self.rng.integers(0, hi - lo + 1, len(expelled))
        for day in np.unique(days):
            self.expel(expelled[days == day], term.year, "own_will", int(day), reasons[days == day])
        for day, renamed in self.by_day(self.pick(students[event < 0], 0.002), term.starts, term.exams_end):
            self.orders.add("personal_data_change", workday(day), day, renamed)
        return np.concatenate([leaving, expelled])

    def send_on_leave(self, term: Term, students: np.ndarray, lo: int, hi: int) -> None:
        """Academic leave (illness, military service, child care, tuberculosis) until the same term later."""
        n = len(students)
        if not n:
            return
        u = self.rng.random(n)
        male = ~self.pop.female[students]
        illness, military, child_care, tuberculosis = (
            reason_index(r) for r in ("illness", "military_service", "child_care", "tuberculosis"))
        reason = np.where(
            male,
            np.select([u < 0.6, u < 0.92], [illness, military], tuberculosis),
            np.select([u < 0.45, u < 0.95], [illness, child_care], tuberculosis),
        )
        years = np.select([reason == child_care, reason == tuberculosis],
                          [self.rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2]), self.rng.choice([1, 2], n)], 1)
        self.status[students] = ON_LEAVE
        self.leave_until[students] = 2 * (term.year + years) + (0 if term.semester == 1 else 1)
        self.leave_for_good[students] = self.rng.random(n) < 0.12
        days = lo + self.rng.integers(0, hi - lo + 1, n)
        for day in np.unique(days):
            here = days == day
            signed = workday(int(day) + int(self.rng.integers(0, 4)))
            # child care and tuberculosis leaves name their planned end; the others leave it empty
            # (the warehouse then assumes var academic_leave_max_months)
            planned = np.where((reason[here] == child_care) | (reason[here] == tuberculosis),
                               int(day) + 365 * years[here] - 1, -1)
            self.orders.add("academic_leave", signed, int(day), students[here], ends_on=planned,
                            reason=reason[here])


    # ---- end of the year

    def graduate(self, year: int) -> None:
        """June: final-year students without debts graduate; failing only the thesis means expulsion."""
        active = np.flatnonzero(self.status == ACTIVE)
        years = self.duration(active)
        final = active[(self.course[active] == years) & (self.done[active] >= 2 * years)]
        clear = final[[s not in self.debts for s in final.tolist()]]
        for students in self.by_faculty(clear):
            day = self.day_in(ymd(year + 1, 6, 20), ymd(year + 1, 6, 30))
            self.status[students] = GRADUATED
            self.orders.add("graduation", workday(day - 2), day, students)
        theses = {self.uni.index[c] for c in catalogue().final_attestations}
        failed = [s for s in final.tolist() if s in self.debts and set(self.debts[s]) <= theses]
        if failed:
            day = self.day_in(ymd(year + 1, 6, 22), ymd(year + 1, 6, 26))
            self.expel(np.asarray(failed, np.int64), year, "failed_final_attestation", day)

    def promote(self, year: int) -> None:
        """August: promotion on the year's GPA (rules A4); otherwise a paid repeat year or expulsion."""
        gpa = self.year_gpa()
        self.results = []
        active = np.flatnonzero(self.status == ACTIVE)
        done = active[self.done[active] >= 2 * self.course[active]]
        if not len(done):
            return
        final, course, g = self.course[done] == self.duration(done), self.course[done], gpa[done]
        self.last_gpa[done] = g
        transfer_gpa = rules().transfer_gpa
        threshold = transfer_gpa[np.minimum(course, len(transfer_gpa)) - 1]
        ok = (np.isnan(g) | (g >= threshold)) & (self.debt_credits(done) <= PROMOTION_MAX_DEBT_CREDITS) & ~final
        near = final | (np.nan_to_num(g) >= threshold - 0.6)
        repeat = ~ok & near & (self.rng.random(len(done)) < np.where(final, 0.6, 0.4))
        for group in self.by_faculty(np.arange(len(done))):
            day = self.day_in(ymd(year + 1, 8, 3), ymd(year + 1, 8, 20))
            promoted = done[group[ok[group]]]
            self.course[promoted] += 1
            self.orders.add("promotion", workday(day - 1), day, promoted, course=self.course[promoted])
            repeaters = done[group[repeat[group]]]
            self.funding[repeaters] = PAID
            for s in repeaters.tolist():
                self.group[s] = self.cohort_group(s, year + 1)
            self.orders.add("repeat_year", workday(day - 1), day, repeaters, course=self.course[repeaters],
                            funding=PAID, group_code=self.group[repeaters])
            self.expel(done[group[~ok[group] & ~repeat[group]]], year, "academic_failure", day)
