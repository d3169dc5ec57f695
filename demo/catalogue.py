"""The demo university's catalogue: faculties, programmes, disciplines and curricula.

What the university teaches is data in `demo/data/` (faculties.csv, departments.csv, topics.csv,
programmes.csv, general_disciplines.csv, layout.csv); this module reads it and builds the
disciplines and one curriculum per programme, every semester holding 30 credits.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from demo.codes import LEVELS

DATA_DIR = Path(__file__).resolve().parent / "data"
BACHELOR, MASTER, DOCTORATE = (LEVELS.index(x) for x in ("bachelor", "master", "doctorate"))
CREDITS_PER_SEMESTER = 30
MAX_SEMESTER = 10
IELTS_DISCIPLINE = "FL1"  # recognised from an IELTS certificate for a few first-year bachelors

Names3 = tuple[str, str, str]  # (Kazakh, Russian, English)
Rng = np.random.Generator


def read_data(name: str) -> list[dict[str, str]]:
    """Rows of a data file of the demo (demo/data/<name>.csv), header as keys."""
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _names(row: dict[str, str]) -> Names3:
    return row["name_kk"], row["name_ru"], row["name_en"]


@dataclass(frozen=True)
class FacultySpec:
    """A faculty, its departments and the subject topics its programmes are built from."""

    code: str
    name: Names3
    departments: tuple[str, ...]
    topics: tuple[Names3, ...]
    female_share: float


@dataclass(frozen=True)
class ProgrammeSpec:
    """An educational programme; `topics` index the faculty's topics it teaches."""

    code: str
    faculty: int
    level: int
    abbr: str
    prefix: str
    name: Names3
    group: str
    years: int
    weight: float
    topics: tuple[int, ...]
    english: float = 0.0

    @property
    def credits(self) -> int:
        return 2 * CREDITS_PER_SEMESTER * self.years


@dataclass(frozen=True)
class Discipline:
    """A discipline row of disciplines.csv."""

    code: str
    name: Names3
    credits: int
    assessment: str = "graded"
    counts_in_gpa: bool = True
    is_final: bool = False



@dataclass(frozen=True)
class Catalogue:
    """The data files, read: faculties, programmes, general disciplines and their semester layout."""

    faculties: tuple[FacultySpec, ...]
    programmes: tuple[ProgrammeSpec, ...]
    general: tuple[Discipline, ...]
    layout: tuple[tuple[int, str, str, int | None], ...]  # (level, semester or "last", code, only for years)

    @property
    def final_attestations(self) -> set[str]:
        return {d.code for d in self.general if d.is_final}


@cache
def catalogue() -> Catalogue:
    """The catalogue's data files (demo/data/README.md describes them), read once."""
    topics: dict[str, list[dict[str, str]]] = {}
    for row in read_data("topics"):
        topics.setdefault(row["faculty_code"], []).append(row)
    departments: dict[str, list[str]] = {}
    for row in read_data("departments"):
        departments.setdefault(row["faculty_code"], []).append(row["department"])
    faculties = []
    for row in read_data("faculties"):
        own = topics[row["faculty_code"]]
        if [t["base_semester"] for t in own[:2]] != ["1", "2"]:  # build_university takes them by position
            raise ValueError(f"topics.csv: the first two topics of {row['faculty_code']} must be its base "
                             "disciplines of semesters 1 and 2")
        faculties.append(FacultySpec(row["faculty_code"], _names(row), tuple(departments[row["faculty_code"]]),
                                     tuple(_names(t) for t in own), float(row["female_share"])))
    index = {f.code: i for i, f in enumerate(faculties)}
    programmes = []
    for row in read_data("programmes"):
        f = index[row["faculty_code"]]
        by_name = {t[2]: i for i, t in enumerate(faculties[f].topics)}
        programmes.append(ProgrammeSpec(
            row["program_code"], f, LEVELS.index(row["level"]), row["group_abbr"], row["discipline_prefix"],
            _names(row), row["program_group"], int(row["duration_years"]), float(row["intake_weight"]),
            tuple(by_name[t] for t in row["topics"].split(";")), float(row["english_share"])))
    general = tuple(
        Discipline(row["discipline_code"], _names(row), int(row["credits"]),
                   "pass_fail" if row["kind"] == "pass_fail" else "graded",
                   counts_in_gpa=row["kind"] != "no_gpa", is_final=row["kind"] == "final")
        for row in read_data("general_disciplines"))
    layout = tuple((LEVELS.index(r["level"]), r["semester"], r["discipline_code"],
                    int(r["only_duration_years"]) if r["only_duration_years"] else None)
                   for r in read_data("layout"))
    return Catalogue(tuple(faculties), tuple(programmes), general, layout)


def _layout(level: int, years: int) -> dict[int, tuple[str, ...]]:
    """The general (university-wide) disciplines of each semester of a programme (data file layout.csv)."""
    layout: dict[int, tuple[str, ...]] = {}
    for lv, semester, code, only in catalogue().layout:
        if lv == level and only in (None, years):
            sem = 2 * years if semester == "last" else int(semester)
            layout[sem] = (*layout.get(sem, ()), code)
    return layout


@dataclass
class University:
    """The catalogue: programmes, disciplines and one curriculum (plan) per programme."""

    programmes: tuple[ProgrammeSpec, ...]
    disciplines: list[Discipline]
    plans: list[dict[int, list[int]]]  # programme -> semester -> discipline indices
    difficulty: np.ndarray
    plan_start: np.ndarray = field(init=False)  # CSR index of plans by plan_key(programme, semester)
    plan_len: np.ndarray = field(init=False)
    plan_disc: np.ndarray = field(init=False)
    credits: np.ndarray = field(init=False)  # per discipline
    in_gpa: np.ndarray = field(init=False)
    pass_fail: np.ndarray = field(init=False)
    prog_faculty: np.ndarray = field(init=False)  # per programme
    prog_years: np.ndarray = field(init=False)
    prog_level: np.ndarray = field(init=False)
    index: dict[str, int] = field(init=False)  # discipline code -> index

    def __post_init__(self) -> None:
        keys = len(self.programmes) * (MAX_SEMESTER + 1)
        self.plan_start = np.zeros(keys, np.int64)
        self.plan_len = np.zeros(keys, np.int64)
        flat: list[int] = []
        for p, plan in enumerate(self.plans):
            for sem, discs in plan.items():
                self.plan_start[self.plan_key(p, sem)] = len(flat)
                self.plan_len[self.plan_key(p, sem)] = len(discs)
                flat.extend(discs)
        self.plan_disc = np.asarray(flat, np.int32)
        self.credits = np.array([d.credits for d in self.disciplines], np.int32)
        self.in_gpa = np.array([d.counts_in_gpa and d.assessment == "graded" for d in self.disciplines])
        self.pass_fail = np.array([d.assessment == "pass_fail" for d in self.disciplines])
        self.prog_faculty = np.array([p.faculty for p in self.programmes], np.int32)
        self.prog_years = np.array([p.years for p in self.programmes], np.int32)
        self.prog_level = np.array([p.level for p in self.programmes], np.int32)
        self.index = {d.code: i for i, d in enumerate(self.disciplines)}

    @staticmethod
    def plan_key(programme: int | np.ndarray, semester: int | np.ndarray) -> int | np.ndarray:
        return programme * (MAX_SEMESTER + 1) + semester

    def semester(self, programme: int, semester: int) -> list[int]:
        return self.plans[programme].get(semester, [])


def _split_credits(total: int, rng: Rng) -> list[int]:
    """Split a semester's free credits into disciplines of 3-6 credits."""
    parts: list[int] = []
    while total > 8:
        c = int(rng.choice((3, 4, 5, 6), p=(0.1, 0.25, 0.45, 0.2)))
        parts.append(c)
        total -= c
    if 3 <= total <= 6:
        parts.append(total)
    elif total > 6:
        parts += [4, total - 4]
    elif total > 0:
        last = (parts.pop() if parts else 0) + total
        parts += [last] if last <= 6 else [4, last - 4]
    return parts


def build_university(rng: Rng) -> University:
    """The catalogue: general disciplines, faculty base disciplines and each programme's own ones.

    Every semester holds 30 credits: the general disciplines of its layout, then programme
    disciplines of 3-6 credits named after the programme's topics (numbered when a topic recurs).
    """
    disciplines: list[Discipline] = []
    index: dict[str, int] = {}

    def add(d: Discipline) -> int:
        if d.code not in index:
            index[d.code] = len(disciplines)
            disciplines.append(d)
        return index[d.code]

    cat = catalogue()
    for general in cat.general:
        add(general)
    plans: list[dict[int, list[int]]] = []
    for prog in cat.programmes:
        faculty = cat.faculties[prog.faculty]
        layout = _layout(prog.level, prog.years)
        plan: dict[int, list[int]] = {}
        slots: list[tuple[int, int]] = []  # (semester, credits) of the programme's own disciplines
        for sem in range(1, 2 * prog.years + 1):
            plan[sem] = [index[c] for c in layout.get(sem, ())]
            if prog.level == BACHELOR and sem <= 2:  # a faculty base discipline shared by its bachelors
                plan[sem].append(add(Discipline(f"{faculty.code}B{sem}", faculty.topics[sem - 1], 5)))
            free = CREDITS_PER_SEMESTER - sum(disciplines[d].credits for d in plan[sem])
            slots += [(sem, c) for c in _split_credits(free, rng)]
        for sem, discipline in _programme_disciplines(prog, slots):
            plan[sem].append(add(discipline))
        plans.append(plan)
    # points off an average student's score; no discipline harder than 1.2 standard deviations, so that
    # its teachers stay inside the quality band on FX and F (var teacher_fail_share_max)
    difficulty = np.clip(rng.normal(0.0, 5.0, len(disciplines)), -6.0, None)
    for i, d in enumerate(disciplines):
        difficulty[i] += 8.0 if d.assessment == "pass_fail" else 4.0 if d.is_final else 0.0
    return University(cat.programmes, disciplines, plans, difficulty)


def _programme_disciplines(prog: ProgrammeSpec, slots: list[tuple[int, int]]) -> list[tuple[int, Discipline]]:
    """(semester, discipline) for each free slot, named after the programme's topics, then its faculty's."""
    faculty = catalogue().faculties[prog.faculty]
    own_first = [*prog.topics, *(t for t in range(2, len(faculty.topics)) if t not in prog.topics)]
    topics = [own_first[k % len(own_first)] for k in range(len(slots))]
    uses = Counter(topics)
    seen: Counter[int] = Counter()
    numbers: Counter[int] = Counter()
    out = []
    for (sem, credits), topic in zip(slots, topics, strict=True):
        seen[topic] += 1
        numbers[sem] += 1
        name = _advanced(faculty.topics[topic], prog.level)
        if uses[topic] > 1:
            name = (f"{name[0]} {seen[topic]}", f"{name[1]} {seen[topic]}", f"{name[2]} {seen[topic]}")
        out.append((sem, Discipline(f"{prog.prefix}{sem:02d}{numbers[sem]:02d}", name, credits)))
    return out


def _advanced(name: Names3, level: int) -> Names3:
    """A topic's name at the programme's level: as is for bachelors, an advanced course for others."""
    if level == BACHELOR:
        return name
    if level == MASTER:
        return (f"{name[0]} (тереңдетілген курс)", f"{name[1]} (углублённый курс)", f"{name[2]} (advanced)")
    return (f"{name[0]} (арнайы курс)", f"{name[1]} (спецкурс)", f"{name[2]} (special course)")



FACULTIES: tuple[FacultySpec, ...] = catalogue().faculties
PROGRAMMES: tuple[ProgrammeSpec, ...] = catalogue().programmes
