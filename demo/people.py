"""People of the demo university: names, IINs, teachers and academic groups.

Names are random combinations of common first names, surnames and patronymics of each
origin (data file names.csv), so no real person is in the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from demo.catalogue import FACULTIES, PROGRAMMES, Rng, read_data


@dataclass(frozen=True)
class NamePool:
    """First names, surnames (male forms) and patronymics (male, female) of one origin."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    patronymics: tuple[tuple[str, str], ...] = ()


def _name_pools() -> dict[str, NamePool]:
    """The name pools of names.csv by origin; a pool without patronymic rows gives none (Chinese, Mongolian)."""
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for row in read_data("names"):
        rows.setdefault(row["origin"], {}).setdefault(row["kind"], []).append(row)
    return {origin: NamePool(tuple(r["name"] for r in kinds.get("male", [])),
                             tuple(r["name"] for r in kinds.get("female", [])),
                             tuple(r["name"] for r in kinds.get("surname", [])),
                             tuple((r["name"], r["female_form"]) for r in kinds.get("patronymic", [])))
            for origin, kinds in rows.items()}


NAME_POOLS: dict[str, NamePool] = _name_pools()


def surname(male_form: str, female: bool) -> str:
    if female and male_form.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male_form + "а"
    return male_form


def person(pool: NamePool, female: bool, rng: Rng) -> tuple[str, str, str]:
    """(surname, first name, patronymic) drawn from a pool, in the right gender."""
    first = pool.female if female else pool.male
    last = surname(pool.surnames[int(rng.integers(len(pool.surnames)))], female)
    given = first[int(rng.integers(len(first)))]
    middle = ""
    if pool.patronymics:
        middle = pool.patronymics[int(rng.integers(len(pool.patronymics)))][1 if female else 0]
    return last, given, middle


def iin(birth: date, female: bool, serial: int) -> str | None:
    """A 12-digit IIN: birth date, century-and-gender digit, serial and check digit (None if invalid)."""
    century = (3 if birth.year < 2000 else 5) + int(female)
    digits = [int(c) for c in f"{birth:%y%m%d}{century}{serial:04d}"]
    check = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
        if check == 10:
            return None
    return "".join(map(str, digits)) + str(check)



def unique_iin(birth: date, female: bool, serial: int, used: set[str]) -> str:
    """A valid IIN not given to anyone else (serials tried in a fixed order)."""
    for _ in range(10000):
        code = iin(birth, female, serial)
        if code and code not in used:
            used.add(code)
            return code
        serial = (serial + 7919) % 10000
    raise RuntimeError(f"no free IIN for {birth}")


@dataclass
class Teachers:
    """Teachers by faculty, and which teachers teach each discipline in each faculty."""

    ids: list[str]
    rows: list[tuple[str, str, str, str]]
    by_faculty: list[np.ndarray]
    pool: np.ndarray  # faculty x discipline x 3 -> teacher index
    pool_size: np.ndarray  # faculty x discipline
    leniency: np.ndarray
    half_points: np.ndarray  # teachers who grade in 0.5 steps


def build_teachers(count: int, faculty_weights: np.ndarray, n_disciplines: int, rng: Rng) -> Teachers:
    """`count` teachers spread over the faculties (at least 6 each) with discipline pools."""
    per_faculty = np.maximum(6, np.floor(faculty_weights / faculty_weights.sum() * count)).astype(int)
    per_faculty[int(np.argmax(faculty_weights))] += max(0, count - int(per_faculty.sum()))
    ids: list[str] = []
    rows: list[tuple[str, str, str, str]] = []
    by_faculty: list[np.ndarray] = []
    for f, n in enumerate(per_faculty):
        faculty = FACULTIES[f]
        start = len(ids)
        for _ in range(n):
            female = bool(rng.random() < 0.55)
            pool = NAME_POOLS["kazakh" if rng.random() < 0.7 else "russian"]
            last, first, middle = person(pool, female, rng)
            tid = f"T{len(ids) + 1:04d}"
            ids.append(tid)
            department = faculty.departments[int(rng.integers(len(faculty.departments)))]
            rows.append((tid, f"{last} {first} {middle}".strip(), faculty.code, department))
        by_faculty.append(np.arange(start, len(ids), dtype=np.int32))
    pool = np.zeros((len(FACULTIES), n_disciplines, 3), np.int32)
    pool_size = np.zeros((len(FACULTIES), n_disciplines), np.int32)
    for f, members in enumerate(by_faculty):
        size = rng.integers(1, 4, n_disciplines)
        size = np.minimum(size, len(members))
        for d in range(n_disciplines):
            chosen = rng.choice(members, size=size[d], replace=False)
            pool[f, d, : size[d]] = chosen
        pool_size[f] = size
    # leniency within one standard deviation: a harsher teacher would fail more than the quality band
    # (var teacher_fail_share_max) allows, and the demo passes its own checks without a warning
    leniency = np.clip(rng.normal(0.0, 3.0, len(ids)), -3.0, 3.0)
    return Teachers(ids, rows, by_faculty, pool, pool_size, leniency,
                    rng.random(len(ids)) < 0.3)


class Groups:
    """Academic groups: code like АГР-22-1 per programme and intake year, with an adviser."""

    def __init__(self, teachers: Teachers, rng: Rng) -> None:
        self.codes: list[str] = []
        self.advisor: list[int] = []
        self._teachers = teachers
        self._rng = rng
        self._by_language: dict[tuple[int, int, int], list[int]] = {}
        self._by_cohort: dict[tuple[int, int], list[int]] = {}

    def new(self, programme: int, intake: int, language: int) -> int:
        cohort = self._by_cohort.setdefault((programme, intake), [])
        gid = len(self.codes)
        self.codes.append(f"{PROGRAMMES[programme].abbr}-{intake % 100:02d}-{len(cohort) + 1}")
        members = self._teachers.by_faculty[PROGRAMMES[programme].faculty]
        self.advisor.append(int(members[int(self._rng.integers(len(members)))]))
        cohort.append(gid)
        self._by_language.setdefault((programme, intake, language), []).append(gid)
        return gid

    def find(self, programme: int, intake: int, language: int) -> int:
        """A group of that cohort, of the same language when there is one; a new group otherwise."""
        same = self._by_language.get((programme, intake, language))
        if same:
            return same[0]
        cohort = self._by_cohort.get((programme, intake))
        return cohort[0] if cohort else self.new(programme, intake, language)

