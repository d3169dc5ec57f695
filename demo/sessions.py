"""Exam sessions of the simulation: registration for the semester's plan and for debts, the teachers,
the exam days, scores (demo.grading), debts and re-study in the summer term, and the year's GPA
(rules A2, B2-B7)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from demo.calendar import Term
from demo.codes import ACTIVE
from demo.files import repeat, score, take
from demo.grading import Sheet, sit_exams
from demo.rules import rules
from demo.state import SimulationState


class Sessions(SimulationState):
    """Terms and their exam sessions."""

    def run_term(self, term: Term, in_window: bool) -> None:
        """Registration, departures before the exams, the exam session with FX retakes, debts."""
        students = np.flatnonzero(self.status == ACTIVE)
        if not len(students):
            return
        stu, disc, sem, restudy = self.enrol(students, term.semester)
        teacher = self.teacher_of(stu, disc)
        if in_window:
            self.write_enrollments(term, stu, disc, teacher)
        gone = self.depart_mid_term(term, students)
        sits = ~np.isin(stu, gone)
        self.examine(term, stu[sits], disc[sits], sem[sits], teacher[sits], restudy[sits], in_window)
        stayed = students[~np.isin(students, gone)]
        self.done[stayed] = np.maximum(self.done[stayed], 2 * (self.course[stayed] - 1) + term.semester)

    def enrol(self, students: np.ndarray, term_no: int) -> tuple[np.ndarray, ...]:
        """(student, discipline, plan semester, re-study) rows, sorted: the semester's plan for students
        who have not sat it yet, plus every debt of the same term parity (re-study)."""
        uni = self.uni
        sem = 2 * (self.course[students] - 1) + term_no
        fresh = sem > self.done[students]
        fs, fsem = students[fresh], sem[fresh]
        key = uni.plan_key(self.programme[fs], fsem)
        lens = uni.plan_len[key]
        offsets = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
        plan_disc = uni.plan_disc[np.repeat(uni.plan_start[key], lens) + offsets]
        member = np.zeros(len(self.status), bool)
        member[students] = True
        debt_rows = [(s, d, m) for s, debts in self.debts.items() if member[s] for d, m in debts.items()
                     if m % 2 == term_no % 2 and m <= 2 * (int(self.course[s]) - 1) + term_no]
        extra = np.array(debt_rows, np.int64).reshape(-1, 3)
        stu = np.concatenate([np.repeat(fs, lens), extra[:, 0]]).astype(np.int64)
        disc = np.concatenate([plan_disc, extra[:, 1]]).astype(np.int64)
        sems = np.concatenate([np.repeat(fsem, lens), extra[:, 2]]).astype(np.int64)
        restudy = np.concatenate([np.zeros(len(plan_disc), bool), np.ones(len(extra), bool)])
        keys = stu * self.n_disc + disc
        order = np.argsort(keys, kind="stable")
        keep = order[np.concatenate([[True], np.diff(keys[order]) != 0])] if len(order) else order
        if self.exempt:
            keep = keep[~np.isin(keys[keep], np.fromiter(self.exempt, np.int64, len(self.exempt)))]
        return stu[keep], disc[keep], sems[keep], restudy[keep]

    def teacher_of(self, students: np.ndarray, disc: np.ndarray) -> np.ndarray:
        """Each discipline of each group has one teacher from the programme's faculty."""
        fac = self.faculty(students)
        size = self.teachers.pool_size[fac, disc]
        return self.teachers.pool[fac, disc, self.group[students] % size]

    def exam_days(self, term: Term, students: np.ndarray, disc: np.ndarray) -> np.ndarray:
        """One exam day per group and discipline, early enough in the session to leave room for retakes."""
        span = max(1, term.exams_end - term.exams_start - 9)
        mix = (self.group[students].astype(np.int64) * 7919 + disc * 104729 + term.year * 31) % span
        return term.exams_start + mix

    def examine(self, term: Term, stu: np.ndarray, disc: np.ndarray, sem: np.ndarray, teacher: np.ndarray,
                restudy: np.ndarray, in_window: bool) -> None:
        """Scores depend on the student, the discipline's difficulty and the teacher's leniency."""
        uni = self.uni
        course = self.course[stu]
        final_year = course == self.duration(stu)
        # students settle in after the first year, try hardest in the final year and on a re-study
        mu = (75.5 + self.pop.ability[stu] + uni.difficulty[disc] + self.teachers.leniency[teacher]
              - np.where(course == 1, 1.5, 0.0) + 1.5 * (course - 1) + np.where(final_year, 3.0, 0.0)
              + np.where(restudy, 7.0, 0.0))
        risk = np.select([final_year, course >= 3, course == 2], [0.2, 0.5, 0.8], 1.2)
        risk = risk * np.where(uni.pass_fail[disc] | restudy, 0.4, 1.0)
        step = np.where(self.teachers.half_points[teacher], 0.5, 1.0)
        sheet = sit_exams(mu, uni.pass_fail[disc], step, self.exam_days(term, stu, disc), self.rng, risk)
        if in_window:
            self.write_grades(term, stu, disc, sheet)
        self.results.append((stu, disc, sheet.points, sheet.passed))
        self.settle_debts(stu, disc, sem, sheet.passed, restudy)

    def settle_debts(self, stu: np.ndarray, disc: np.ndarray, sem: np.ndarray, passed: np.ndarray,
                     restudy: np.ndarray) -> None:
        """An unpassed discipline becomes a debt; a passed re-study clears one."""
        failed = np.flatnonzero(~passed)
        for s, d, m in zip(stu[failed].tolist(), disc[failed].tolist(), sem[failed].tolist(), strict=True):
            self.debts.setdefault(s, {})[d] = m
        cleared = np.flatnonzero(passed & restudy)
        for s, d in zip(stu[cleared].tolist(), disc[cleared].tolist(), strict=True):
            debts = self.debts.get(s)
            if debts is not None:
                debts.pop(d, None)
                if not debts:
                    del self.debts[s]

    def run_summer(self, term: Term, in_window: bool) -> None:
        """Paid summer term: most debts are re-studied (attempt 1 in the summer), never in the final year."""
        rows = [(s, d, m) for s, debts in self.debts.items()
                if self.status[s] == ACTIVE and self.course[s] < self.uni.prog_years[self.programme[s]]
                for d, m in debts.items()]
        if not rows:
            return
        stu, disc, sem = np.array(rows, np.int64).T
        keep = self.rng.random(len(stu)) < 0.8
        order = np.lexsort((disc[keep], stu[keep]))
        stu, disc, sem = stu[keep][order], disc[keep][order], sem[keep][order]
        teacher = self.teacher_of(stu, disc)
        if in_window:
            self.write_enrollments(term, stu, disc, teacher)
        self.examine(term, stu, disc, sem, teacher, np.ones(len(stu), bool), in_window)

    # ---- end of the year

    def add_results(self, stu: np.ndarray, disc: np.ndarray, scores: np.ndarray) -> None:
        """Recognised results count in the year's GPA like grades."""
        scores = np.asarray(scores, np.int64)
        self.results.append((np.asarray(stu, np.int64), np.asarray(disc, np.int64), rules().points[scores],
                             rules().passing[scores]))

    def year_gpa(self) -> np.ndarray:
        """This academic year's GPA per student: the last result of each GPA discipline (rules B6-B7)."""
        gpa = np.full(len(self.status), np.nan)
        if not self.results:
            return gpa
        stu, disc, points = (np.concatenate([r[k] for r in self.results]) for k in range(3))
        keys = (stu * self.n_disc + disc)[::-1]
        _, first = np.unique(keys, return_index=True)
        last = len(keys) - 1 - first
        stu, disc, points = stu[last], disc[last], points[last]
        weights = self.uni.credits[disc] * self.uni.in_gpa[disc]
        total = np.bincount(stu, weights=weights, minlength=len(gpa))
        earned = np.bincount(stu, weights=weights * points, minlength=len(gpa))
        np.divide(earned, total, out=gpa, where=total > 0)
        return gpa

    def debt_credits(self, students: np.ndarray) -> np.ndarray:
        credits = self.uni.credits
        return np.array([sum(int(credits[d]) for d in self.debts.get(s, ())) for s in students.tolist()],
                        np.int64)

    # ---- writing

    def write_enrollments(self, term: Term, stu: np.ndarray, disc: np.ndarray, teacher: np.ndarray) -> None:
        n = len(stu)
        self.enrollments.write({
            "student_id": take(self.sid, stu),
            "discipline_code": take(self.dcode, disc),
            "academic_year": repeat(term.academic_year, n),
            "term": repeat(term.label, n),
            "group_code": take(pa.array(self.groups.codes), self.group[stu]),
            "teacher_id": take(self.tid, teacher),
        })

    def write_grades(self, term: Term, stu: np.ndarray, disc: np.ndarray, sheet: Sheet) -> None:
        """First attempts and, right after each, the FX retake (attempt 2)."""
        second = np.flatnonzero(sheet.retake)
        rows = np.concatenate([np.arange(len(stu)), second])
        attempt = np.concatenate([np.ones(len(stu), np.int8), np.full(len(second), 2, np.int8)])
        order = np.lexsort((attempt, rows))
        rows, attempt = rows[order], attempt[order]
        exam = np.where(attempt == 2, sheet.exam2[rows], sheet.exam[rows])
        day = np.where(attempt == 2, sheet.day2[rows], sheet.day[rows])
        n = len(rows)
        self.grades.write({
            "student_id": take(self.sid, stu[rows]),
            "discipline_code": take(self.dcode, disc[rows]),
            "academic_year": repeat(term.academic_year, n),
            "term": repeat(term.label, n),
            "attempt": pa.array(attempt),
            "rk1": score(sheet.rk1[rows]),
            "rk2": score(sheet.rk2[rows]),
            "exam": score(exam, exam < 0),
            "graded_on": take(self.dates, day - self.date_base),
        })

