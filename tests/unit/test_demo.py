"""The demo university: deterministic, clean against the extract contract, and consistent
between files (orders replay to students.csv, grades follow the rules, recognitions make sense);
its rules and codes are the seeds' and vars': change one and the demo follows."""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from demo import EXTRACT_DATE, write_demo
from extract.contract import ENTITIES
from extract.load import load_extracts
from policy import PROJECT_DIR, codes, dbt_vars, grade_scale, seed_rows

pytestmark = pytest.mark.xdist_group("demo")  # one worker builds the module's demo folders once

SMALL = {"students": 300, "years": 2, "seed": 7}
MEDIUM = {"students": 2000, "years": 5, "seed": 42}

# The status each movement leaves a student in, as the warehouse replays orders (seed movement_types).
STATUS_AFTER = {r["movement"]: r["status_after"] for r in seed_rows("movement_types") if r["status_after"]}
NEW_VALUES = ("program_code", "funding", "course", "study_form", "study_language", "group_code")
Rows = list[dict[str, str]]


def read(folder: Path, name: str) -> Rows:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("demo_small")
    return out, write_demo(out, **SMALL)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("demo_medium")
    return out, write_demo(out, **MEDIUM)


@pytest.fixture(scope="module")
def tables(medium: tuple[Path, dict[str, int]]) -> dict[str, Rows]:
    return {e.name: read(medium[0], e.name) for e in ENTITIES}


# --------------------------------------------------------------------------- replay of orders


def _order_key(row: dict[str, str]) -> tuple[str, str, int]:
    return row["effective_date"], row["order_date"], int(row["order_no"].split("-")[0])


def replay(orders: Rows) -> dict[str, dict[str, object]]:
    """Each student's state after all orders, as rules B10 replay them; checks promotions on the way."""
    state: dict[str, dict[str, object]] = defaultdict(dict)
    for row in sorted(orders, key=_order_key):
        st = state[row["student_id"]]
        movement = row["movement"]
        if movement == "promotion":
            assert int(row["course"]) == st["course"] + 1, row  # type: ignore[operator]
        if movement == "repeat_year":
            assert int(row["course"]) == st["course"], row
        if movement in STATUS_AFTER:
            st["status"] = STATUS_AFTER[movement]
        for col in NEW_VALUES:
            if row[col]:
                st[col] = int(row[col]) if col == "course" else row[col]
    return state


def status_timeline(orders: Rows) -> dict[str, tuple[list[str], list[str]]]:
    """Per student: effective dates of status changes and the status from each date on."""
    timeline: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for row in sorted(orders, key=_order_key):
        if row["movement"] in STATUS_AFTER:
            days, statuses = timeline[row["student_id"]]
            days.append(row["effective_date"])
            statuses.append(STATUS_AFTER[row["movement"]])
    return timeline


def status_on(timeline: dict[str, tuple[list[str], list[str]]], student: str, day: str) -> str | None:
    days, statuses = timeline[student]
    i = bisect.bisect_right(days, day)
    return statuses[i - 1] if i else None


# --------------------------------------------------------------------------- tests


def test_same_seed_gives_identical_files_and_another_seed_does_not(small, tmp_path: Path) -> None:
    folder, _ = small
    again = tmp_path / "again"
    write_demo(again, **SMALL)
    for e in ENTITIES:
        assert (folder / f"{e.name}.csv").read_bytes() == (again / f"{e.name}.csv").read_bytes(), e.name
    other = tmp_path / "other"
    write_demo(other, **(SMALL | {"seed": 8}))
    assert (folder / "grades.csv").read_bytes() != (other / "grades.csv").read_bytes()
    assert (folder / "students.csv").read_bytes() != (other / "students.csv").read_bytes()


def test_every_file_has_the_contract_header_and_the_reported_row_count(small) -> None:
    folder, counts = small
    assert list(counts) == [e.name for e in ENTITIES]
    for e in ENTITIES:
        with (folder / f"{e.name}.csv").open(encoding="utf-8", newline="") as fh:
            lines = fh.read().split("\n")
        assert lines[0] == ",".join(e.column_names), e.name
        assert lines[-1] == "" and len(lines) - 2 == counts[e.name], e.name
        assert counts[e.name] > 0, e.name


@pytest.mark.parametrize("size", ["small", "medium"])
def test_every_contract_rule_holds(size: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    folder, _ = request.getfixturevalue(size)
    con = duckdb.connect()  # the loader's own contract checks, as a refresh runs them
    try:
        defects = [str(d) for d in load_extracts(folder, con, tmp_path).defects]
    finally:
        con.close()
    assert not defects, defects[:20]


def test_students_match_the_replay_of_their_orders(tables: dict[str, Rows]) -> None:
    state = replay(tables["orders"])
    students = tables["students"]
    assert set(state) == {s["student_id"] for s in students}
    for s in students:
        st = state[s["student_id"]]
        for col in ("status", "program_code", "funding", "study_form", "study_language", "group_code"):
            assert s[col] == st[col], (s["student_id"], col, s[col], st[col])


def test_small_world_also_replays(small) -> None:
    folder, _ = small
    state = replay(read(folder, "orders"))
    for s in read(folder, "students"):
        assert s["status"] == state[s["student_id"]]["status"]


def test_orders_are_unambiguous_and_start_with_an_arrival(tables: dict[str, Rows]) -> None:
    first: dict[str, str] = {}
    days: Counter[tuple[str, str]] = Counter()
    for row in sorted(tables["orders"], key=_order_key):
        first.setdefault(row["student_id"], row["movement"])
        assert row["effective_date"] <= EXTRACT_DATE.isoformat()
        if row["movement"] in STATUS_AFTER:
            days[(row["student_id"], row["effective_date"])] += 1
    assert set(first.values()) <= {"admission", "transfer_in"}
    assert max(days.values()) == 1, "two status changes of one student on one day"
    numbers: dict[str, tuple[str, str]] = {}
    for row in tables["orders"]:  # one order number = one order: one date and one movement
        assert numbers.setdefault(row["order_no"], (row["order_date"], row["movement"])) == (
            row["order_date"], row["movement"])


def test_every_movement_appears_with_its_reasons(tables: dict[str, Rows]) -> None:
    """Every movement of seed movement_types occurs, each with a reason of seed movement_reasons or none."""
    reasons_of: dict[str, set[str]] = defaultdict(set)
    for r in seed_rows("movement_reasons"):
        reasons_of[r["movement"]].add(r["reason"])
    used = Counter(r["movement"] for r in tables["orders"])
    movements = set(codes("movement_types", "movement"))
    assert set(used) == movements, movements - set(used)
    for row in tables["orders"]:
        allowed = reasons_of[row["movement"]]
        assert (row["reason"] in allowed) if allowed else row["reason"] == "", row
    reasons = {r["reason"] for r in tables["orders"] if r["movement"] == "expulsion"}
    assert {"own_will", "academic_failure", "non_payment"} <= reasons
    statuses = Counter(s["status"] for s in tables["students"])
    assert {"active", "academic_leave", "expelled", "graduated"} <= set(statuses)


@dataclass(frozen=True)
class Minima:
    """The thresholds a grade sheet follows (rules B4): admission rating and exam to pass, and the
    lowest exam score of the FX letter, as the vars and the grade scale set them."""

    rating: float
    exam: float
    fx_floor: float


def minima(variables: dict[str, Any]) -> Minima:
    fx = next(s.min_percent for s in grade_scale() if s.letter == variables["letter_exam_below_min"])
    return Minima(float(variables["admission_rating_min"]), float(variables["exam_pass_min"]), fx)


MINIMA = minima(dbt_vars())


def rating(g: dict[str, str]) -> float:
    return (float(g["rk1"]) + float(g["rk2"])) / 2


def passed(g: dict[str, str], minima: Minima = MINIMA) -> bool:
    return rating(g) >= minima.rating and g["exam"] != "" and float(g["exam"]) >= minima.exam


def check_grade_sheets(grades: Rows, minima: Minima) -> tuple[int, int, int]:
    """Every attempt follows the minima; returns (first attempts, not admitted, no-shows)."""
    first = {(g["student_id"], g["discipline_code"], g["academic_year"], g["term"]): g
             for g in grades if g["attempt"] == "1"}
    retakes = [g for g in grades if g["attempt"] == "2"]
    assert retakes, "FX retakes (attempt 2)"
    for g in retakes:  # an FX retake follows a sat exam below the pass minimum, with the same rating
        one = first[(g["student_id"], g["discipline_code"], g["academic_year"], g["term"])]
        assert minima.fx_floor <= float(one["exam"]) < minima.exam, (one, g)
        assert (one["rk1"], one["rk2"]) == (g["rk1"], g["rk2"]), (one, g)
    not_admitted = no_show = 0
    for g in grades:
        for col in ("rk1", "rk2", "exam"):
            assert re.fullmatch(r"[0-9]{1,3}(\.[0-9])?", g[col]) or (col == "exam" and g[col] == ""), g
        not_admitted += rating(g) < minima.rating
        no_show += rating(g) >= minima.rating and g["exam"] == ""
        if rating(g) < minima.rating:
            assert g["exam"] == "", g  # not admitted: no exam
    return len(first), not_admitted, no_show


def test_grades_follow_the_credit_technology(tables: dict[str, Rows]) -> None:
    grades = tables["grades"]
    first, not_admitted, no_show = check_grade_sheets(grades, MINIMA)
    assert any(g["term"] == "summer" for g in grades), "summer re-study"
    assert 0.01 < not_admitted / first < 0.06 and 0.005 < no_show / first < 0.04


def test_no_discipline_is_studied_again_after_it_was_passed(tables: dict[str, Rows]) -> None:
    """A positive grade is never retaken (rules A2); failures come back in a later term."""
    order = {r["term"]: int(r["term_order"]) for r in seed_rows("terms")}
    passed_in: dict[tuple[str, str], tuple[str, int]] = {}
    rows = sorted(tables["grades"], key=lambda g: (g["academic_year"], order[g["term"]], int(g["attempt"])))
    for g in rows:
        key = (g["student_id"], g["discipline_code"])
        when = (g["academic_year"], order[g["term"]])
        assert key not in passed_in or passed_in[key] == when, (g, passed_in.get(key))
        if passed(g):
            passed_in[key] = when


def test_grades_are_given_to_enrolled_active_students_in_the_exam_session(tables: dict[str, Rows]) -> None:
    sessions = {(c["academic_year"], c["term"]): (c["exams_start_on"], c["exams_end_on"])
                for c in tables["calendar"]}
    enrolled = {(e["student_id"], e["discipline_code"], e["academic_year"], e["term"])
                for e in tables["enrollments"]}
    timeline = status_timeline(tables["orders"])
    for g in tables["grades"]:
        assert (g["student_id"], g["discipline_code"], g["academic_year"], g["term"]) in enrolled, g
        start, end = sessions[(g["academic_year"], g["term"])]
        assert start <= g["graded_on"] <= end, g
        assert status_on(timeline, g["student_id"], g["graded_on"]) == "active", g


def test_each_group_has_one_teacher_per_discipline_from_its_faculty(tables: dict[str, Rows]) -> None:
    faculty_of_teacher = {t["teacher_id"]: t["faculty_code"] for t in tables["teachers"]}
    faculty_of_programme = {p["program_code"]: p["faculty_code"] for p in tables["programs"]}
    programme_of_group = {o["group_code"]: o["program_code"] for o in tables["orders"]
                          if o["group_code"] and o["program_code"]}
    teachers: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for e in tables["enrollments"]:
        teachers[(e["discipline_code"], e["group_code"], e["academic_year"], e["term"])].add(e["teacher_id"])
        if e["group_code"] in programme_of_group:
            programme = programme_of_group[e["group_code"]]
            assert faculty_of_teacher[e["teacher_id"]] == faculty_of_programme[programme], e
    assert all(len(t) == 1 for t in teachers.values())
    for s in tables["students"]:
        assert faculty_of_teacher[s["advisor_id"]] == faculty_of_programme[s["program_code"]], s


def test_plans_exist_for_every_intake_and_hold_about_sixty_credits_a_year(tables: dict[str, Rows]) -> None:
    credits = {d["discipline_code"]: int(d["credits"]) for d in tables["disciplines"]}
    plans: dict[tuple[str, str], int] = Counter()
    for c in tables["curriculum"]:
        plans[(c["program_code"], c["intake_year"])] += credits[c["discipline_code"]]
    required = {p["program_code"]: int(p["credits_required"]) for p in tables["programs"]}
    assert all(total == required[p] for (p, _), total in plans.items())
    for o in tables["orders"]:
        if o["movement"] in ("admission", "transfer_in"):
            year = int(o["effective_date"][:4]) - (int(o["course"]) - 1)
            assert (o["program_code"], str(year)) in plans, o
    finals = [d for d in tables["disciplines"] if d["is_final_attestation"] == "true"]
    assert finals and all(d["assessment"] == "graded" for d in finals)
    assert any(d["counts_in_gpa"] == "false" for d in tables["disciplines"])
    assert any(d["assessment"] == "pass_fail" for d in tables["disciplines"])


def test_recognitions_cover_transfers_and_mobility_with_few_flaws(tables: dict[str, Rows]) -> None:
    recognitions = tables["recognitions"]
    credits = {d["discipline_code"]: d["credits"] for d in tables["disciplines"]}
    origins = {r["origin"] for r in recognitions}
    assert origins == {"mobility", "transfer", "prior_learning"}
    wrong_credits = sum(r["credits"] != credits[r["discipline_code"]] for r in recognitions)
    assert wrong_credits / len(recognitions) < 0.01
    passed_on = {(g["student_id"], g["discipline_code"]): g["graded_on"] for g in tables["grades"] if passed(g)}
    already = sum(passed_on.get((r["student_id"], r["discipline_code"]), "9999") < r["protocol_date"]
                  for r in recognitions)
    assert already / len(recognitions) < 0.01  # the deliberate flaws stay a handful
    lowest_pass = min(s.min_percent for s in grade_scale() if s.is_passing)
    assert all(lowest_pass <= float(r["final_score"]) <= 100 for r in recognitions)
    assert all(re.fullmatch(r"РК-[0-9]{4}-[0-9]{3,}", r["protocol_no"]) for r in recognitions)
    recognised = {(r["student_id"], r["origin"]) for r in recognitions}
    for o in tables["orders"]:
        if o["movement"] == "transfer_in":
            assert (o["student_id"], "transfer") in recognised, o
        if o["movement"] == "mobility_return":
            assert (o["student_id"], "mobility") in recognised, o


def test_students_look_like_people(tables: dict[str, Rows]) -> None:
    students = tables["students"]
    assert len({s["iin"] for s in students if s["iin"]}) == sum(1 for s in students if s["iin"])
    for s in students:
        born = dt.date.fromisoformat(s["birth_date"])
        assert 15 <= (EXTRACT_DATE - born).days / 365.25 <= 70, s  # born before the extract, not implausibly old
        if s["iin"]:  # YYMMDD of the birth date, then the century and sex: 3/4 = 1900s M/F, 5/6 = 2000s M/F
            assert s["iin"][:6] == f"{born:%y%m%d}", s
            assert int(s["iin"][6]) == 2 * (born.year // 100 - 18) + 1 + (s["gender"] == "F"), s
        if s["middle_name"]:
            female = s["middle_name"].endswith(("овна", "евна", "қызы", "ична"))
            assert female == (s["gender"] == "F"), s
        if s["last_name"].endswith(("ов", "ев", "ин")):
            assert s["gender"] == "M", s
    levels = Counter(p["level"] for s in students for p in tables["programs"]
                     if p["program_code"] == s["program_code"])
    assert levels["bachelor"] > levels["master"] > levels["doctorate"] > 0
    assert 0.5 < sum(s["funding"] == "state_grant" for s in students) / len(students) < 0.7
    assert 0.55 < sum(s["study_language"] == "kk" for s in students) / len(students) < 0.75


# --------------------------------------------------------------------------- rules from the seeds and vars


def demo_under_policy(root: Path, out: Path, variables: dict[str, Any] | None = None,
                      drop_seed_rows: tuple[str, str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The SMALL demo written by a copy of the policy and demo packages beside an edited dbt_project.yml
    (vars) or seed: the real reading code, run in its own interpreter, under other rules."""
    for name in ("policy", "demo", "seeds"):
        shutil.copytree(PROJECT_DIR / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    project["vars"].update(variables or {})
    (root / "dbt_project.yml").write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    if drop_seed_rows:  # (seed, column, value): the seed without the rows whose column holds value
        seed, column, value = drop_seed_rows
        path = root / "seeds" / f"{seed}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(r for r in rows if r[column] != value)
    script = ("import sys, demo\nassert demo.__file__.startswith(sys.argv[1]), demo.__file__\n"
              f"demo.write_demo(sys.argv[2], **{SMALL!r})")
    return subprocess.run([sys.executable, "-c", script, str(root), str(out)], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(root)}, timeout=300)


def test_changing_the_minima_in_the_vars_changes_the_demo(small, tmp_path: Path) -> None:
    """admission_rating_min and exam_pass_min 50 -> 60: the demo's grade sheets follow the new minima."""
    folder, _ = small
    stricter = {"admission_rating_min": 60, "exam_pass_min": 60}
    out = tmp_path / "stricter"
    result = demo_under_policy(tmp_path / "project", out, variables=stricter)
    assert result.returncode == 0, result.stderr
    new = minima(dbt_vars() | stricter)
    before, after = read(folder, "grades"), read(out, "grades")
    # under today's vars, ratings of 50-59 sit the exam and exams of 50-59 pass ...
    assert any(MINIMA.rating <= rating(g) < new.rating and g["exam"] for g in before)
    first_exams = [float(g["exam"]) for g in before if g["attempt"] == "1" and g["exam"]]
    assert any(MINIMA.exam <= x < new.exam for x in first_exams)
    # ... under the stricter ones, nobody below 60 sits it, and an exam of 50-59 is an FX retaken
    check_grade_sheets(after, new)
    first = {(g["student_id"], g["discipline_code"], g["academic_year"], g["term"]): g
             for g in after if g["attempt"] == "1"}
    retaken_from = [float(first[(g["student_id"], g["discipline_code"], g["academic_year"], g["term"])]["exam"])
                    for g in after if g["attempt"] == "2"]
    assert any(MINIMA.exam <= x < new.exam for x in retaken_from)


def test_a_code_the_seeds_lack_stops_the_demo_naming_the_seed(tmp_path: Path) -> None:
    result = demo_under_policy(tmp_path / "project", tmp_path / "out",
                               drop_seed_rows=("movement_reasons", "reason", "tuberculosis"))
    assert result.returncode != 0
    assert "seeds/movement_reasons.csv lists no reason tuberculosis" in result.stderr, result.stderr
