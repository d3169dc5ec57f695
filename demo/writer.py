"""Writing the demo university: the reference files, the simulation, then orders, recognitions and
students (the simulation writes enrollments and grades as it goes).

Determinism: all randomness comes from numpy generators seeded with `seed`; nothing
depends on hash() or set order, so the same arguments give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import numpy as np

from demo.calendar import LAST_ACADEMIC_YEAR, academic_terms
from demo.catalogue import FACULTIES, PROGRAMMES, University, build_university
from demo.codes import ADMISSION_BASES, FUNDINGS, LANGUAGES, LEVELS, NOT_YET, STATUS_CODES, movement_index
from demo.diplomas import register_rows
from demo.files import FILES, ArrowSink, write_rows
from demo.people import Groups, Teachers, build_teachers
from demo.population import STUDY_FORMS, build_population, plan_cohorts
from demo.simulation import Simulation


def _catalogue_rows(uni: University, teachers: Teachers, first_intake: int) -> dict[str, list[tuple]]:
    """Rows of the small reference files: faculties, programmes, disciplines, curriculum, teachers."""
    curriculum = [
        (prog.code, intake, uni.disciplines[d].code, sem)
        for p, prog in enumerate(uni.programmes)
        for intake in range(first_intake, LAST_ACADEMIC_YEAR + 2)
        for sem in sorted(uni.plans[p])
        for d in uni.plans[p][sem]
    ]
    return {
        "faculties": [(f.code, *f.name) for f in FACULTIES],
        "programs": [(p.code, FACULTIES[p.faculty].code, LEVELS[p.level], *p.name, p.group, p.credits,
                      p.years) for p in uni.programmes],
        "disciplines": [(d.code, *d.name, d.credits, d.assessment, d.counts_in_gpa, d.is_final)
                        for d in uni.disciplines],
        "curriculum": curriculum,
        "teachers": teachers.rows,
    }


def _student_rows(sim: Simulation) -> Iterable[tuple]:
    pop, groups, teachers = sim.pop, sim.groups, sim.teachers
    for s in range(pop.size):
        last, first, middle = pop.names[s]
        g = int(sim.group[s])
        assert sim.status[s] != NOT_YET
        yield (pop.sid[s], pop.iin[s], last, first, middle, "F" if pop.female[s] else "M",
               pop.birth[s].isoformat(), pop.citizenship[s], PROGRAMMES[sim.programme[s]].code,
               STUDY_FORMS[sim.form[s]], LANGUAGES[sim.language[s]], FUNDINGS[sim.funding[s]],
               groups.codes[g], teachers.ids[groups.advisor[g]], bool(pop.social[s]), STATUS_CODES[sim.status[s]],
               ADMISSION_BASES[pop.basis[s]])


def _recognition_rows(sim: Simulation) -> Iterable[tuple]:
    """One row per recognised discipline; protocols numbered by date within each calendar year."""
    order = sorted(range(len(sim.recognitions)), key=lambda i: (sim.recognitions[i].protocol_date, i))
    per_year: dict[int, int] = {}
    for i in order:
        r = sim.recognitions[i]
        when = date.fromordinal(r.protocol_date)
        per_year[when.year] = per_year.get(when.year, 0) + 1
        number = f"РК-{when.year}-{per_year[when.year]:03d}"
        for d, credits, score, grade in zip(r.disciplines, r.credits, r.scores, r.grades, strict=True):
            yield (number, when.isoformat(), sim.pop.sid[r.student], sim.uni.disciplines[d].code,
                   f"{r.year}-{r.year + 1}", r.term, credits, score, r.origin, grade)


def _calendar_rows(first_year: int) -> list[tuple]:
    return [(t.academic_year, t.label, *(date.fromordinal(x).isoformat()
                                         for x in (t.starts, t.ends, t.exams_start, t.exams_end)))
            for y in range(first_year, LAST_ACADEMIC_YEAR + 1) for t in academic_terms(y)]


def write_demo(out_dir: Path, students: int = 5000, years: int = 5, seed: int = 42,
               progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the demo university's extracts (one CSV per file of the extract contract) into out_dir.

    `students` is everyone ever admitted whose studies overlap the window of `years`
    academic years ending with 2025-2026; the result maps entity name -> rows written.
    """
    if students < 1 or not 1 <= years <= 30:
        raise ValueError("students must be positive and years between 1 and 30")
    say = progress or (lambda _msg: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    first_year = LAST_ACADEMIC_YEAR - years + 1
    first_intake = first_year - max(p.years for p in PROGRAMMES) + 1
    catalogue_rng = np.random.default_rng([seed, 0])
    people_rng = np.random.default_rng([seed, 1])
    life_rng = np.random.default_rng([seed, 2])

    uni = build_university(catalogue_rng)
    cohorts = plan_cohorts(students, first_year)
    faculty_weights = np.bincount([PROGRAMMES[p].faculty for p, _, _ in cohorts],
                                  weights=[n for _, _, n in cohorts], minlength=len(FACULTIES)) + 1.0
    teachers = build_teachers(max(30, round(students / 25)), faculty_weights, len(uni.disciplines),
                              catalogue_rng)
    groups = Groups(teachers, people_rng)
    pop = build_population(cohorts, first_year, groups, people_rng)

    counts: dict[str, int] = {}

    def done(name: str, rows: int) -> None:
        counts[name] = rows
        say(f"{name}: {rows:,} rows")

    for name, rows in _catalogue_rows(uni, teachers, first_intake).items():
        done(name, write_rows(out / f"{name}.csv", name, rows))
    done("calendar", write_rows(out / "calendar.csv", "calendar", _calendar_rows(first_year)))

    sim = Simulation(uni, pop, teachers, groups, first_year, out, life_rng, say)
    sim.run()
    done("enrollments", sim.enrollments.close())
    done("grades", sim.grades.close())
    orders = ArrowSink(out / "orders.csv", "orders")
    sim.orders.write(orders, sim.sid, sim.dates, sim.date_base, groups.codes)
    done("orders", orders.close())
    done("recognitions", write_rows(out / "recognitions.csv", "recognitions", _recognition_rows(sim)))
    done("students", write_rows(out / "students.csv", "students", _student_rows(sim)))
    graduation = movement_index("graduation")
    diplomas, movements = register_rows(
        ((b.effective, b.students) for b in sim.orders.batches if b.movement == graduation),
        uni.prog_level[sim.programme], list(pop.sid), first_year)
    done("diplomas", write_rows(out / "diplomas.csv", "diplomas", diplomas))
    done("blank_movements", write_rows(out / "blank_movements.csv", "blank_movements", movements))
    return {name: counts[name] for name in FILES}
