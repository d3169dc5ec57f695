"""The academic record on a real warehouse (rules B1-B9, A3-A5, statute 4.1.16).

The mini university plus a few hand-written students is refreshed once through the real
pipeline (validate, load, dbt build with every unit and data test, checks, publish); the
tests read the published marts and check the rules file's worked example (3 credits A,
2 credits B, 6 credits F → GPA 18/11), the letters at the boundaries, superseding attempts,
recognitions and the reports. The invariants that must hold on any university (keys, GPA within
the scale, earned within attempted, attestation reconciled with the grades, one scale row per
letter) are dbt tests in the model ymls and tests/dbt/<tier>/, so they run on every refresh, the
demo's included.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from policy import dbt_vars
from registrar.common.i18n import t
from registrar.common.paths import Home
from registrar.pipeline.refresh import refresh
from registrar.reports import params
from registrar.reports.base import Report, ReportError, ReportParams
from registrar.reports.library import leave_and_mobility, plan_gaps, recognition_issues, summer_term
from tests.support.extracts import MINI, quiet

pytestmark = pytest.mark.xdist_group("academic")

# Extra rows on top of tests/fixtures/mini, keyed by column name (a column left out is empty).
EXTRA: dict[str, list[dict[str, str]]] = {
    "disciplines.csv": [
        {"discipline_code": code, "name_kk": kk, "name_ru": ru, "name_en": en, "credits": credits,
         "assessment": "graded", "counts_in_gpa": "true", "is_final_attestation": "false"}
        for code, kk, ru, en, credits in [("W3", "Үш", "Три", "Three", "3"), ("W2", "Екі", "Два", "Two", "2"),
                                          ("W6", "Алты", "Шесть", "Six", "6")]
    ],
    "curriculum.csv": [
        {"program_code": "6B08101", "intake_year": "2024", "discipline_code": code, "semester_no": "1"}
        for code in ("W3", "W2", "W6")
    ],
    "students.csv": [
        {"student_id": "S0010", "iin": "060101500010", "last_name": "Әбенов", "first_name": "Ерлан", "gender": "M",
         "birth_date": "2006-01-01", "citizenship": "KAZ", "program_code": "6B08101", "study_form": "full_time",
         "study_language": "kk", "funding": "state_grant", "group_code": "АГР-24-1", "advisor_id": "T0001",
         "social_benefit": "false", "status": "active"},
        {"student_id": "S0011", "iin": "060101600011", "last_name": "Қасымова", "first_name": "Дана", "gender": "F",
         "birth_date": "2006-01-01", "citizenship": "KAZ", "program_code": "6B08101", "study_form": "full_time",
         "study_language": "ru", "funding": "paid", "group_code": "АГР-24-1", "advisor_id": "T0001",
         "social_benefit": "false", "status": "active"},
    ],
    "orders.csv": [
        {"order_no": "103-С", "order_date": "2024-08-20", "student_id": student, "movement": "admission",
         "effective_date": "2024-09-01", "program_code": "6B08101", "funding": funding, "course": "1",
         "study_form": "full_time", "study_language": language, "group_code": "АГР-24-1"}
        for student, funding, language in [("S0010", "state_grant", "kk"), ("S0011", "paid", "ru")]
    ],
    "enrollments.csv": [
        {"student_id": student, "discipline_code": discipline, "academic_year": "2024-2025", "term": term,
         "group_code": "АГР-24-1", "teacher_id": "T0001"}
        for student, discipline, term in [("S0010", "W3", "1"), ("S0010", "W2", "1"), ("S0010", "W6", "1"),
                                          ("S0010", "W6", "summer"), ("S0011", "HIS1101", "1")]
    ],
    "grades.csv": [
        # the worked example of rules A3: 3 credits A, 2 credits B, 6 credits F (not admitted)
        {"student_id": "S0010", "discipline_code": "W3", "academic_year": "2024-2025", "term": "1", "attempt": "1",
         "rk1": "96", "rk2": "96", "exam": "96", "graded_on": "2025-01-10"},
        {"student_id": "S0010", "discipline_code": "W2", "academic_year": "2024-2025", "term": "1", "attempt": "1",
         "rk1": "80", "rk2": "80", "exam": "80", "graded_on": "2025-01-11"},
        {"student_id": "S0010", "discipline_code": "W6", "academic_year": "2024-2025", "term": "1", "attempt": "1",
         "rk1": "40", "rk2": "40", "exam": "", "graded_on": "2025-01-12"},
        # ... and the F re-studied in the summer term with B
        {"student_id": "S0010", "discipline_code": "W6", "academic_year": "2024-2025", "term": "summer",
         "attempt": "1", "rk1": "80", "rk2": "80", "exam": "80", "graded_on": "2025-07-25"},
        # 0.6 × 97.1 + 0.4 × 65.6 = 84.5 exactly (84.49999999999999 in binary floats) → 85 → B+
        {"student_id": "S0011", "discipline_code": "HIS1101", "academic_year": "2024-2025", "term": "1",
         "attempt": "1", "rk1": "97.2", "rk2": "97.0", "exam": "65.6", "graded_on": "2025-01-10"},
    ],
    "recognitions.csv": [
        # S0001 passed HIS1101 in the session: already passed
        {"protocol_no": "РК-2025-002", "protocol_date": "2025-03-01", "student_id": "S0001",
         "discipline_code": "HIS1101", "academic_year": "2024-2025", "term": "2", "credits": "5",
         "final_score": "90", "origin": "transfer", "original_grade": "A-"},
        # PE1103 has 2 credits, the protocol says 3
        {"protocol_no": "РК-2025-003", "protocol_date": "2025-03-01", "student_id": "S0011",
         "discipline_code": "PE1103", "academic_year": "2024-2025", "term": "2", "credits": "3",
         "final_score": "90", "origin": "prior_learning", "original_grade": "A-"},
    ],
}


def write_extract(out: Path) -> Path:
    shutil.copytree(MINI, out)
    for name, extra in EXTRA.items():
        with (out / name).open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        with (out / name).open("a", encoding="utf-8", newline="") as fh:
            csv.DictWriter(fh, fieldnames=header, restval="").writerows(extra)
    return out


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini university plus the rows above, refreshed and published once."""
    root = tmp_path_factory.mktemp("academic")
    home = Home(root / "home")
    refresh(write_extract(root / "extracts"), home, quiet)
    return home.warehouse


def rows(warehouse: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def one(warehouse: Path, sql: str, params: list[object] | None = None) -> tuple:
    found = rows(warehouse, sql, params)
    assert len(found) == 1, found
    return found[0]


def test_worked_example_gpa_is_18_over_11(warehouse: Path) -> None:
    term_gpa, cumulative, attempted, earned, debts = one(
        warehouse,
        "select term_gpa, cumulative_gpa, credits_attempted, credits_earned, n_debts from main.fct_student_terms"
        " where student_id = 'S0010' and academic_year = '2024-2025' and term = '1'")
    assert abs(term_gpa - Decimal(18) / Decimal(11)) < Decimal("1e-10")
    assert round(term_gpa, 2) == Decimal("1.64")
    assert cumulative == term_gpa
    assert (attempted, earned, debts) == (11, 5, 1)


def test_summer_restudy_supersedes_the_f_in_cumulative_gpa(warehouse: Path) -> None:
    term_gpa, cumulative, earned, debts = one(
        warehouse,
        "select term_gpa, cumulative_gpa, cumulative_credits_earned, n_debts from main.fct_student_terms"
        " where student_id = 'S0010' and term = 'summer'")
    assert term_gpa == Decimal(3)
    assert abs(cumulative - Decimal(36) / Decimal(11)) < Decimal("1e-10")
    assert (earned, debts) == (11, 0)
    assert one(warehouse, "select is_superseded, letter_grade, grade_basis from main.fct_grades"
                          " where student_id = 'S0010' and discipline_code = 'W6' and term = '1'") == (
        True, "F", "not_admitted")
    assert one(warehouse, "select credits_earned, n_debts from main.fct_student_standing"
                          " where student_id = 'S0010'") == (11, 0)


@pytest.mark.parametrize(
    ("student", "discipline", "attempt", "final_score", "letter", "basis"),
    [
        ("S0001", "HIS1101", 1, 85, "B+", "scale"),  # (90 + 85) / 2 = 87.5; 0.6 × 87.5 + 0.4 × 80 = 84.5 → 85
        ("S0011", "HIS1101", 1, 85, "B+", "scale"),  # 84.5 that binary floats would round to 84 (B)
        ("S0001", "BOT1102", 1, 55, "FX", "exam_below_min"),  # admitted, exam 40 < 50
        ("S0001", "BOT1102", 2, 69, "C", "scale"),  # the FX retake
        ("S0002", "HIS1101", 1, 26, "F", "not_admitted"),  # rating 42.5 < 50
        ("S0003", "HIS1101", 1, 39, "F", "no_show"),  # admitted, no exam
        ("S0001", "PRA1104", 1, 80, "P", "pass_fail"),
        ("S0002", "PE1103", 1, 88, "B+", "recognised"),  # protocol score 87.5 → 88
    ],
)
def test_letters_by_the_rules(warehouse: Path, student: str, discipline: str, attempt: int, final_score: int,
                              letter: str, basis: str) -> None:
    assert one(warehouse, "select final_score, letter_grade, grade_basis from main.fct_grades where student_id = ?"
                          " and discipline_code = ? and attempt = ?", [student, discipline, attempt]) == (
        final_score, letter, basis)


def test_superseding_pass_fail_and_out_of_gpa(warehouse: Path) -> None:
    assert rows(warehouse, "select attempt, is_superseded from main.fct_grades where student_id = 'S0001' and"
                           " discipline_code = 'BOT1102' order by attempt") == [(1, True), (2, False)]
    assert one(warehouse, "select grade_points, counts_in_gpa, is_passed, traditional_grade from main.fct_grades"
                          " where discipline_code = 'PRA1104'") == (None, False, True, "pass")
    points, counts = one(warehouse, "select grade_points, counts_in_gpa from main.fct_grades where"
                                    " student_id = 'S0001' and discipline_code = 'PE1103'")
    assert (points, counts) == (Decimal("4.00"), False)


def test_failed_recognitions_are_listed_and_do_not_count(warehouse: Path) -> None:
    issues = rows(warehouse, "select student_id, discipline_code, issue_code from"
                             " main.rpt_recognition_protocol_issues order by all")
    assert issues == [("S0001", "HIS1101", "already_passed"), ("S0011", "PE1103", "credits_mismatch")]
    assert rows(warehouse, "select student_id, discipline_code from main.fct_grades where source = 'recognised'") == [
        ("S0002", "PE1103")]


def test_reports_apply_the_rules(warehouse: Path) -> None:
    assert one(warehouse, "select is_eligible, ineligible_reason from main.rpt_scholarship_eligibility where"
                          " student_id = 'S0010' and term = '1'") == (False, "grade_below_good")
    below = dict(rows(warehouse, "select student_id, is_below_threshold from main.rpt_progression"))
    assert below["S0003"] is True and below["S0010"] is False
    assert one(warehouse, "select required_action from main.rpt_academic_debtors where student_id = 'S0003'") == (
        "restudy",)
    transcript = rows(warehouse, "select term, discipline_code, letter_grade, is_superseded_later from"
                                 " main.rpt_transcript where student_id = 'S0010' order by term_seq, discipline_code")
    assert transcript == [("1", "W2", "B", False), ("1", "W3", "A", False), ("1", "W6", "F", True),
                          ("summer", "W6", "B", False)]


# --- the lists of issue 18 on this warehouse: each against independent SQL on the marts ------------

def report_frame(warehouse: Path, module: Any, parameters: ReportParams, section: int = 0) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return module.build(con, parameters).sections[section].frame
    finally:
        con.close()


def last_day(warehouse: Path) -> dt.date:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return params.data_span(con)[1]
    finally:
        con.close()


def refused(warehouse: Path, report: Report, **given: object) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        with pytest.raises(ReportError) as caught:
            report.build(con, params.parse(report, con, lang="en", **given))  # type: ignore[arg-type]
        return str(caught.value)
    finally:
        con.close()


def test_recognition_issues_lists_the_protocol_lines_that_break_a_rule(warehouse: Path) -> None:
    shown = report_frame(warehouse, recognition_issues, ReportParams(
        lang="en", date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 7, 1)))
    expected = rows(warehouse, "select l.student_id, l.discipline_code from main.fct_recognition_lines l "
                               "where not l.is_counted and l.protocol_date between ? and ? order by all",
                    [dt.date(2025, 1, 1), dt.date(2025, 7, 1)])
    got = sorted(zip(shown[t("lists_student_id", "en")], shown[t("lists_discipline_code", "en")], strict=True))
    assert got == expected == [("S0001", "HIS1101"), ("S0011", "PE1103")]
    assert set(shown[t("lists_ri_rule", "en")]) == {"4.1.16"}
    assert "--from/--to" in refused(warehouse, recognition_issues.REPORT)


def test_plan_gaps_are_the_missing_due_disciplines_of_the_standing(warehouse: Path) -> None:
    day = last_day(warehouse)
    shown = report_frame(warehouse, plan_gaps, ReportParams(lang="en", as_of=day))
    got = set(zip(shown[t("lists_student_id", "en")], shown[t("lists_discipline_code", "en")], strict=True))
    standing = rows(warehouse, "select f.student_id, unnest(string_split(f.missing_due_disciplines, ', ')) "
                               "from main.fct_student_standing f where exists (select 1 from "
                               "main.fct_student_status_history h where h.student_id = f.student_id and h.is_enrolled "
                               "and h.valid_from <= ? and (h.valid_to is null or h.valid_to > ?))", [day, day])
    assert got == set(standing) and got
    assert "--as-of" in refused(warehouse, plan_gaps.REPORT, as_of=dt.date(2000, 1, 1))


def test_summer_term_counts_registrations_and_debts_cleared(warehouse: Path) -> None:
    shown = report_frame(warehouse, summer_term, ReportParams(lang="en", year="2024-2025"))
    expected = rows(warehouse, """
        select s.faculty_code, count(distinct e.student_id), count(*), sum(d.credits)
        from main.fct_enrollments e join main.dim_students s using (student_id)
        join main.dim_disciplines d using (discipline_code)
        where e.academic_year = '2024-2025' and e.term = 'summer' group by all order by all""")
    got = list(zip(shown[t("lists_code_of_faculty", "en")], shown[t("lists_st_students", "en")],
                   shown[t("lists_st_registrations", "en")], shown[t("lists_st_credits_taken", "en")], strict=True))
    assert got == expected
    cleared = rows(warehouse, """
        select count(*) from main.fct_grades g where g.term = 'summer' and g.is_passed and g.is_last_in_term
          and exists (select 1 from main.fct_grades e where e.student_id = g.student_id
                      and e.discipline_code = g.discipline_code and e.term_seq < g.term_seq and not e.is_passed)""")
    assert shown[t("lists_st_debts_cleared", "en")].sum() == cleared[0][0] == 1  # S0010's W6
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        with pytest.raises(ReportError, match="no summer term"):
            summer_term.build(con, ReportParams(lang="en", year="2099-2100"))
    finally:
        con.close()
    assert "2023-2024" in refused(warehouse, summer_term.REPORT, year="2023-2024")


def test_leave_and_mobility_lists_who_is_away_and_when_they_are_expected(warehouse: Path) -> None:
    day = last_day(warehouse)
    shown = report_frame(warehouse, leave_and_mobility, ReportParams(lang="en", as_of=day))
    away = rows(warehouse, """
        select h.student_id, min(h.valid_from) from main.fct_student_status_history h
        join reference.contingent_statuses s on h.status = s.status
        where s.is_enrolled and not s.is_studying and h.valid_to is null group by all order by all""")
    months = int(dbt_vars()["academic_leave_max_months"])
    got = sorted(zip(shown[t("lists_student_id", "en")], shown[t("lists_lm_since", "en")],
                     shown[t("lists_lm_expected_return", "en")], strict=True))
    assert got == [(s, since, (pd.Timestamp(since) + pd.DateOffset(months=months)).date()) for s, since in away]
    assert {"S0002", "S0004"} <= {s for s, _ in away}
    overdue = report_frame(warehouse, leave_and_mobility, ReportParams(lang="en", as_of=day), section=1)
    assert sorted(overdue[t("lists_student_id", "en")]) == [s for s, _since, back in got if back < day]
    assert "--as-of" in refused(warehouse, leave_and_mobility.REPORT, as_of=dt.date(2099, 1, 1))
