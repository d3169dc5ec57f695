"""The rules the simulated registrar applies, read from the vars and seeds the warehouse reads (policy).

Scores are kept in integer tenths of a point, as grade sheets write them, so the final score's
half-up rounding is exact integer arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import numpy as np

from policy import dbt_vars, grade_scale, seed_rows


@dataclass(frozen=True)
class Rules:
    """Thresholds, weights and the grade scale as the warehouse applies them (rules A4, B1-B4)."""

    points: np.ndarray  # GPA points of a passed rounded final score 0..100 (0 where its letter fails)
    passing: np.ndarray  # per rounded final score 0..100: its letter passes
    letters: tuple[tuple[int, int, str, str], ...]  # (min, max percent, letter, traditional grade) of the scale
    lowest_pass: int  # the lowest passing final score
    fx_points: float  # points of a failed exam after admission (letter_exam_below_min)
    fx_floor: int  # lowest percent of that letter: a sat exam below it is drawn again above it
    not_admitted_points: float  # points of letter_not_admitted
    no_show_points: float  # points of letter_no_show
    rating_weight: int  # final_score_rating_weight × weight_scale
    exam_weight: int  # final_score_exam_weight × weight_scale
    weight_scale: int  # a power of ten that makes both weights whole
    admission_min: int  # РК1 + РК2, in tenths, needed to sit the exam (admission rating = their mean)
    exam_min: int  # exam score, in tenths, needed to pass
    exam_pass_min: float  # the same in points
    transfer_gpa: np.ndarray  # GPA needed for promotion, by the course completed (1 = index 0)
    traditional_labels: dict[str, str]  # traditional grade -> its Russian label (seed traditional_grades)

    def final_score(self, rk1: np.ndarray, rk2: np.ndarray, exam: np.ndarray) -> np.ndarray:
        """Rounded final score (whole percent, half up) from tenths: weights × (admission rating, exam)."""
        s = self.weight_scale
        return (self.rating_weight * (rk1 + rk2) + 2 * self.exam_weight * np.maximum(exam, 0) + 10 * s) // (20 * s)

    def letter(self, score: int) -> str:
        return next(letter for lowest, highest, letter, _ in self.letters if lowest <= score <= highest)

    def traditional(self, score: int) -> str:
        return next(grade for lowest, highest, _, grade in self.letters if lowest <= score <= highest)


def _tenths(value: object) -> int:
    return int(Decimal(str(value)) * 10)


@cache
def rules() -> Rules:
    scale, variables = grade_scale(), dbt_vars()
    points = np.zeros(101)
    passing = np.zeros(101, bool)
    for s in scale:
        if s.is_passing:
            points[s.min_percent:s.max_percent + 1] = float(s.points)
            passing[s.min_percent:s.max_percent + 1] = True
    by_letter = {s.letter: s for s in scale}
    fx = by_letter[variables["letter_exam_below_min"]]
    weights = [Decimal(str(variables[k])) for k in ("final_score_rating_weight", "final_score_exam_weight")]
    scale_of_weights = 10 ** max(0, *(-int(w.as_tuple().exponent) for w in weights))
    thresholds = {int(k): float(v) for k, v in variables["transfer_gpa_thresholds"].items()}
    labels = {r["traditional_grade"]: r["label_ru"] for r in seed_rows("traditional_grades")}
    return Rules(
        points=points,
        passing=passing,
        letters=tuple((s.min_percent, s.max_percent, s.letter, _traditional_grade(s.letter)) for s in scale),
        lowest_pass=min(s.min_percent for s in scale if s.is_passing),
        fx_points=float(fx.points),
        fx_floor=fx.min_percent,
        not_admitted_points=float(by_letter[variables["letter_not_admitted"]].points),
        no_show_points=float(by_letter[variables["letter_no_show"]].points),
        rating_weight=int(weights[0] * scale_of_weights),
        exam_weight=int(weights[1] * scale_of_weights),
        weight_scale=scale_of_weights,
        admission_min=2 * _tenths(variables["admission_rating_min"]),
        exam_min=_tenths(variables["exam_pass_min"]),
        exam_pass_min=float(variables["exam_pass_min"]),
        transfer_gpa=np.array([thresholds[c] for c in range(1, max(thresholds) + 1)]),
        traditional_labels=labels,
    )


def _traditional_grade(letter: str) -> str:
    """The traditional grade (excellent, good...) of a letter of the scale version in use."""
    version = str(dbt_vars()["grade_scale_version"])
    return next(r["traditional_grade"] for r in seed_rows("grade_scale")
                if r["scale_version"] == version and r["letter_grade"] == letter)
