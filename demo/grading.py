"""Exam sessions and grading: РК1, РК2 and exam scores of a session, their outcome by the rules the
warehouse applies (demo.rules), and the grades other institutions write on recognised results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.catalogue import Rng, read_data
from demo.rules import rules

# The ECTS grades foreign universities write, best first, with the lowest score of each (ects_grades.csv).
ECTS_GRADES = tuple((r["grade"], int(r["min_score"])) for r in read_data("ects_grades"))
# The Kazakh five-point marks other universities write beside a traditional grade (traditional_marks.csv).
TRADITIONAL_MARKS = {r["traditional_grade"]: r["mark"] for r in read_data("traditional_marks")}


@dataclass
class Sheet:
    """First attempts of one exam session, the FX retakes, and each discipline's outcome."""

    rk1: np.ndarray  # tenths of a point
    rk2: np.ndarray
    exam: np.ndarray  # tenths; -1 = did not sit (not admitted or no-show)
    day: np.ndarray
    retake: np.ndarray  # bool: attempt 2 exists
    exam2: np.ndarray
    day2: np.ndarray
    passed: np.ndarray
    points: np.ndarray


def _tenths(x: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Scores clipped to 0-100, rounded to the teacher's step, as integer tenths."""
    x = np.clip(x, 0.0, 100.0)
    return np.rint(np.rint(x / step) * step * 10).astype(np.int32)


def _failing_exam(x: np.ndarray, rng: Rng, step: np.ndarray) -> np.ndarray:
    """Exam scores below the FX range (25) are drawn again inside it (25-49): a sat exam below the pass
    minimum is FX whatever its score (rules A1, B4), and sheets rarely show such low exams."""
    r = rules()
    low = x < 10 * r.fx_floor
    return np.where(low, _tenths(rng.uniform(float(r.fx_floor), r.exam_pass_min - 1.0, len(x)), step), x)


def _outcome(rk1: np.ndarray, rk2: np.ndarray, exam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(passed, GPA points) by rules B2-B4: rating below the admission minimum -> not admitted,
    no exam -> no-show, exam below the pass minimum -> FX, else the scale's letter of the final score."""
    r = rules()
    final = r.final_score(rk1, rk2, exam)
    admitted = rk1 + rk2 >= r.admission_min
    passed = admitted & (exam >= r.exam_min)
    points = np.where(passed, r.points[np.clip(final, 0, 100)],
                      np.where(admitted, np.where(exam >= 0, r.fx_points, r.no_show_points),
                               r.not_admitted_points))
    return passed, points


RK_SPREAD, EXAM_SPREAD = 5.0, 11.0  # points of chance in one control or exam
MISSED_CONTROLS = 0.055  # share of sheets where the student skipped most classes
NO_SHOWS = 0.02  # share of admitted students who do not come to the exam


def sit_exams(mu: np.ndarray, pass_fail: np.ndarray, step: np.ndarray, day: np.ndarray, rng: Rng,
              risk: np.ndarray | float = 1.0) -> Sheet:
    """Scores of one session: РК1, РК2, exam (with no-shows), and FX retakes mostly passed.

    `risk` scales the chances of skipping classes and of not coming to the exam.
    """
    n = len(mu)
    exam_min, admission_min = rules().exam_min, rules().admission_min
    missed = np.where(rng.random(n) < MISSED_CONTROLS * risk, rng.normal(32.0, 8.0, n), 0.0)
    rk1 = _tenths(rng.normal(mu + 1.0 - missed, RK_SPREAD), step)
    rk2 = _tenths(rng.normal(mu + 3.0 - missed, RK_SPREAD), step)
    exam = _tenths(rng.normal(mu - 1.0, EXAM_SPREAD), step)
    practice = np.maximum(_tenths(rng.normal(mu, 8.0), step), exam_min)
    exam = np.where(pass_fail & (exam < exam_min), practice, _failing_exam(exam, rng, step))
    admitted = rk1 + rk2 >= admission_min
    no_show = admitted & (rng.random(n) < NO_SHOWS * risk)
    exam = np.where(admitted & ~no_show, exam, -1)
    retake = (exam >= 0) & (exam < exam_min) & (rng.random(n) < 0.9)
    exam2 = _failing_exam(_tenths(rng.normal(mu + 10.0, 10.0), step), rng, step)
    day2 = day + rng.integers(5, 10, n)
    passed, points = _outcome(rk1, rk2, np.where(retake, exam2, exam))
    return Sheet(rk1, rk2, exam, day, retake, exam2, day2, passed, points)


def letter(score: int) -> str:
    """The scale's letter of a rounded final score."""
    return rules().letter(score)


def traditional(score: int) -> str:
    """A final score as another Kazakh university writes it: five-point mark and traditional grade."""
    grade = rules().traditional(score)
    return f"{TRADITIONAL_MARKS[grade]} ({rules().traditional_labels[grade]})"


def ects(score: int) -> str:
    """A score as a foreign university writes it (ECTS grade)."""
    return next(grade for grade, lowest in ECTS_GRADES if score >= lowest)

