"""The students of the demo university: cohorts, arrivals and what is fixed on arrival.

Shares of levels, languages, forms of study and funding are the demo's own behaviour; the
codes they are written as come from the seeds (demo.codes) and its data files (study_forms.csv
with each form's share by level, citizenships.csv with each citizenship's share and name origin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from demo.calendar import LAST_ACADEMIC_YEAR
from demo.catalogue import BACHELOR, DOCTORATE, FACULTIES, MASTER, PROGRAMMES, Rng, read_data
from demo.codes import ADMISSION_BASES, FUNDINGS, LANGUAGES, LEVELS, require
from demo.people import NAME_POOLS, Groups, person, unique_iin
from policy import dbt_vars

ADMISSION, TRANSFER = 0, 1
GROUP_SIZE = 25
GRANT, PAID = FUNDINGS.index("state_grant"), FUNDINGS.index("paid")
LOCAL_GRANT, EMPLOYER_PAID = FUNDINGS.index("local_grant"), FUNDINGS.index("employer_paid")
SCHOOL, COLLEGE, HIGHER = (ADMISSION_BASES.index(x) for x in ("school", "college", "higher"))
LOCAL_GRANT_SHARE = 0.12  # of the state grants, those a local budget (an akimat) pays
EMPLOYER_PAID_SHARE = 0.06  # of the paid places, those an employer pays
COLLEGE_SHARE, HIGHER_SHARE = 0.15, 0.04  # bachelor arrivals after college (shortened) or higher education
KK, RU, EN = (LANGUAGES.index(x) for x in ("kk", "ru", "en"))
RUSSIAN_SPEAKING = "russian"  # name origin of the domestic students who speak Russian at home

_FORM_ROWS = read_data("study_forms")
STUDY_FORMS: tuple[str, ...] = require("study_forms", "study_form", tuple(r["study_form"] for r in _FORM_ROWS))
FULL_TIME = STUDY_FORMS.index("full_time")
FORM_SHARES = {lv: tuple(float(r[LEVELS[lv]]) for r in _FORM_ROWS) for lv in (BACHELOR, MASTER, DOCTORATE)}

_CITIZENSHIP_ROWS = read_data("citizenships")
CITIZENSHIPS = tuple(r["citizenship"] for r in _CITIZENSHIP_ROWS)
CITIZENSHIP_SHARES = tuple(float(r["share"]) for r in _CITIZENSHIP_ROWS)
NAME_ORIGIN = {r["citizenship"]: r["names"] for r in _CITIZENSHIP_ROWS}


@dataclass
class Population:
    """Everyone ever admitted, in student-id order, with what is fixed on arrival."""

    sid: list[str]
    arrival_year: np.ndarray
    kind: np.ndarray  # ADMISSION or TRANSFER
    course0: np.ndarray  # course on arrival
    intake: np.ndarray  # year the student's cohort was admitted
    programme: np.ndarray
    group: np.ndarray  # first group; -1 for transfer students until they arrive
    female: np.ndarray
    language: np.ndarray
    form: np.ndarray
    funding: np.ndarray
    basis: np.ndarray  # basis of admission (ADMISSION_BASES)
    ability: np.ndarray  # points above or below an average student's expected score
    social: np.ndarray
    citizenship: list[str]
    names: list[tuple[str, str, str]]
    birth: list[date]
    iin: list[str]

    @property
    def size(self) -> int:
        return len(self.sid)


def _allocate(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to weights that sum to total (largest remainders)."""
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), np.int64)
    raw = weights / weights.sum() * total
    base = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return base


def plan_cohorts(students: int, first_year: int) -> list[tuple[int, int, int]]:
    """(programme, intake year, size) of every cohort that studies in the window.

    80% bachelors, 15% masters, 5% doctoral students; intakes grow 3% a year.
    """
    cells: list[tuple[int, int, float]] = []
    for p, prog in enumerate(PROGRAMMES):
        for y in range(first_year - prog.years + 1, LAST_ACADEMIC_YEAR + 1):
            cells.append((p, y, prog.weight * 1.03 ** (y - first_year)))
    level_totals = _allocate(np.array([0.80, 0.15, 0.05]), students)
    sizes = np.zeros(len(cells), np.int64)
    for level in range(len(LEVELS)):
        idx = [i for i, (p, _, _) in enumerate(cells) if PROGRAMMES[p].level == level]
        sizes[idx] = _allocate(np.array([cells[i][2] for i in idx]), int(level_totals[level]))
    return [(p, y, int(n)) for (p, y, _), n in zip(cells, sizes, strict=True)]


def _arrivals(cohorts: list[tuple[int, int, int]], first_year: int, rng: Rng) -> dict[str, np.ndarray]:
    """Programme, intake, arrival year and course of each student; 1.5% of bachelors transfer in later."""
    columns: dict[str, list[np.ndarray]] = {k: [] for k in ("programme", "intake", "course0", "arrival")}
    for p, y, n in cohorts:
        prog = PROGRAMMES[p]
        course = np.ones(n, np.int64)
        if prog.level == BACHELOR and first_year <= y + 1 <= LAST_ACADEMIC_YEAR:
            transfers = int(rng.binomial(n, 0.015))
            third_course = (y + 2 <= LAST_ACADEMIC_YEAR) & (rng.random(transfers) < 0.35)
            course[n - transfers:] = np.where(third_course, 3, 2)
        columns["programme"].append(np.full(n, p))
        columns["intake"].append(np.full(n, y))
        columns["course0"].append(course)
        columns["arrival"].append(y + course - 1)
    out = {k: np.concatenate(v).astype(np.int32) for k, v in columns.items()}
    out["kind"] = np.where(out["course0"] > 1, TRANSFER, ADMISSION).astype(np.int32)
    return out


def _study_terms(level: np.ndarray, programme: np.ndarray, kind: np.ndarray, foreign: np.ndarray,
                 russian: np.ndarray, rng: Rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Language (kk ~65%, ru ~33%, en ~2%), form of study and funding (~60% state grant) of each student."""
    n = len(level)
    english = np.array([p.english for p in PROGRAMMES])[programme]
    kazakh = np.where(foreign, 0.35, np.where(russian, 0.03, 0.86))
    language = np.where(rng.random(n) < english, EN, np.where(rng.random(n) < kazakh, KK, RU))
    form = np.zeros(n, np.int64)
    for lv, p in FORM_SHARES.items():
        form[level == lv] = rng.choice(len(STUDY_FORMS), size=int((level == lv).sum()), p=p)
    grant = np.where(foreign, 0.15, np.array([0.70, 0.80, 0.92])[level])
    grant = np.where(kind == TRANSFER, 0.2, grant)
    grant = np.where(form == FULL_TIME, grant, 0.0)  # grants are for full-time study only
    funding = np.where(rng.random(n) < grant, GRANT, PAID)
    return language.astype(np.int32), form.astype(np.int32), funding.astype(np.int32)


def _form_groups(cohorts: list[tuple[int, int, int]], a: dict[str, np.ndarray], order_key: np.ndarray,
                 groups: Groups) -> np.ndarray:
    """Groups of up to 25 admitted students per programme, intake and language of study."""
    group = np.full(len(order_key), -1, np.int32)
    for p, y, _ in cohorts:
        members = np.flatnonzero((a["programme"] == p) & (a["intake"] == y) & (a["kind"] == ADMISSION))
        members = members[np.lexsort((order_key[members], a["form"][members], a["language"][members]))]
        for lang in np.unique(a["language"][members]):
            same = members[a["language"][members] == lang]
            k = -(-len(same) // GROUP_SIZE)
            ids = np.array([groups.new(p, y, int(lang)) for _ in range(k)], np.int32)
            group[same] = ids[np.arange(len(same)) * k // len(same)]
    return group


def _birth_dates(level: np.ndarray, intake: np.ndarray, rng: Rng) -> np.ndarray:
    """Birth dates (ordinals): bachelors about 17-18 on admission, masters 22-25, doctoral students 25-32."""
    n = len(level)
    bachelor, master = 17.3 + rng.gamma(2.0, 0.25, n), 21.5 + rng.gamma(2.0, 0.8, n)
    age = np.select([level == BACHELOR, level == MASTER], [bachelor, master], 24.0 + rng.gamma(2.0, 2.0, n))
    age += np.where((level == BACHELOR) & (rng.random(n) < 0.05), rng.uniform(1, 6, n), 0.0)
    september = np.array([date(int(y), 9, 1).toordinal() for y in intake])
    return september - np.floor(age * 365.25).astype(np.int64)



def build_population(cohorts: list[tuple[int, int, int]], first_year: int, groups: Groups,
                     rng: Rng) -> Population:
    """Draw every student's personal data, funding, form and language of study and first group."""
    a = _arrivals(cohorts, first_year, rng)
    n = len(a["programme"])
    level = np.array([p.level for p in PROGRAMMES])[a["programme"]]
    faculty = np.array([p.faculty for p in PROGRAMMES])[a["programme"]]
    a["female"] = rng.random(n) < np.array([f.female_share for f in FACULTIES])[faculty]
    a["citizenship"] = rng.choice(len(CITIZENSHIPS), size=n, p=CITIZENSHIP_SHARES)
    domestic = dbt_vars()["domestic_citizenship"]
    foreign = np.array([c != domestic for c in CITIZENSHIPS])[a["citizenship"]]
    a["russian"] = ~foreign & (rng.random(n) < 0.2)
    a["language"], a["form"], a["funding"] = _study_terms(level, a["programme"], a["kind"], foreign,
                                                          a["russian"], rng)
    # drawn from a stream of their own, so the rest of the demo draws what it drew before they existed
    side = np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0])
    a["funding"] = np.where((a["funding"] == GRANT) & (side.random(n) < LOCAL_GRANT_SHARE), LOCAL_GRANT,
                            np.where((a["funding"] == PAID) & (side.random(n) < EMPLOYER_PAID_SHARE), EMPLOYER_PAID,
                                     a["funding"])).astype(np.int32)
    draw = side.random(n)
    a["basis"] = np.where(level != BACHELOR, HIGHER,
                          np.where(draw < COLLEGE_SHARE, COLLEGE,
                                   np.where(draw < COLLEGE_SHARE + HIGHER_SHARE, HIGHER, SCHOOL))).astype(np.int32)
    at_risk = rng.random(n) < 0.06  # students who will struggle whatever they study
    a["ability"] = np.where(at_risk, rng.normal(-20.0, 6.0, n), rng.normal(0.0, 11.0, n))
    a["ability"] += np.where(np.isin(a["funding"], (GRANT, LOCAL_GRANT)), 3.0, 0.0) + np.array([0.0, 4.0, 7.0])[level]
    a["social"] = rng.random(n) < 0.07
    order_key = rng.random(n)
    a["group"] = _form_groups(cohorts, a, order_key, groups)
    a["birth"] = _birth_dates(level, a["intake"], rng)
    a["serial"] = rng.integers(0, 10000, n)
    a["has_iin"] = ~foreign | (rng.random(n) < 0.6)  # many foreign students have a residence IIN

    order = np.lexsort((order_key, a["group"], a["programme"], a["kind"], a["arrival"]))
    a = {k: v[order] for k, v in a.items()}
    sid, names, birth, iins = [], [], [], []
    seq: dict[int, int] = {}
    used: set[str] = set()
    for i in range(n):
        year = int(a["arrival"][i])
        seq[year] = seq.get(year, 0) + 1
        sid.append(f"{year % 100:02d}{seq[year]:06d}")
        origin = RUSSIAN_SPEAKING if a["russian"][i] else NAME_ORIGIN[CITIZENSHIPS[int(a["citizenship"][i])]]
        female = bool(a["female"][i])
        names.append(person(NAME_POOLS[origin], female, rng))
        birth.append(date.fromordinal(int(a["birth"][i])))
        iins.append(unique_iin(birth[-1], female, int(a["serial"][i]), used) if a["has_iin"][i] else "")
    return Population(sid, a["arrival"], a["kind"], a["course0"], a["intake"], a["programme"], a["group"],
                      a["female"], a["language"], a["form"], a["funding"], a["basis"], a["ability"], a["social"],
                      [CITIZENSHIPS[int(c)] for c in a["citizenship"]], names, birth, iins)

