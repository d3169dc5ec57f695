"""The list reports (rules B21-B27) on a real published warehouse: each report's rows against an
independent query on the marts and dimensions, the Kazakh alphabetical order of the book, and
the refusals of impossible parameters.

The demo university is edited before its refresh so that every report has a case to show:
six students named alike but for the first letter (А, Ә, Б, О, Ө, П) and a few grade sheets
recorded days after their exam period ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from demo import write_demo
from policy import dbt_vars
from registrar.common.i18n import t
from registrar.common.paths import Home
from registrar.pipeline.refresh import refresh
from registrar.reports.base import ReportDocument, ReportError, ReportParams
from registrar.reports.library import (
    alphabetical_book,
    archive_files_due,
    final_attestation_results,
    grade_sheet_timeliness,
    movement_register,
    social_benefit_withdrawals,
    state_grant_credits,
)
from registrar.reports.params import quarter_bounds
from tests.support.extracts import Row, edit_rows, quiet, read_rows

pytestmark = pytest.mark.xdist_group("reports_lists")

# Surnames equal but for the first letter, in Kazakh alphabetical order; byte order would put
# Ә and Ө after П.
ALPHABET_SURNAMES = ("Аманова", "Әманова", "Баманова", "Оманова", "Өманова", "Паманова")
LATE_DAYS = (2, 3, 5, 8, 13)
YEAR = (dt.date(2024, 9, 1), dt.date(2025, 8, 31))
ALL_YEARS = (dt.date(2019, 9, 1), dt.date(2026, 8, 31))
REPORTS = (state_grant_credits, social_benefit_withdrawals, movement_register, alphabetical_book,
           archive_files_due, final_attestation_results, grade_sheet_timeliness)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("reports_lists")
    extracts = root / "extracts"
    write_demo(extracts, students=400, years=3, seed=7)
    rename_students(extracts / "students.csv")
    record_late(extracts)
    home = Home(root / "home")
    assert refresh(extracts, home, quiet).published
    con = duckdb.connect(str(home.warehouse), read_only=True)
    yield con
    con.close()


def rename_students(path: Path) -> None:
    def rename(rows: list[Row]) -> list[Row]:
        for row, surname in zip(rows[::40], ALPHABET_SURNAMES, strict=False):
            row["last_name"] = surname
        return rows

    edit_rows(path, rename)


def record_late(extracts: Path) -> None:
    """Record the first attempts of a few students in the first term of 2024-2025 late."""
    (term,) = [r for r in read_rows(extracts / "calendar.csv") if r["academic_year"] == "2024-2025"
               and r["term"] == "1"]
    exams_end = dt.date.fromisoformat(term["exams_end_on"])

    def delay(rows: list[Row]) -> list[Row]:
        firsts = [r for r in rows if r["academic_year"] == "2024-2025" and r["term"] == "1" and r["attempt"] == "1"]
        for row, days in zip(firsts[::97], LATE_DAYS, strict=False):
            row["graded_on"] = (exams_end + dt.timedelta(days=days)).isoformat()
        return rows

    edit_rows(extracts / "grades.csv", delay)


def frame(doc: ReportDocument, index: int = 0) -> pd.DataFrame:
    return doc.sections[index].frame


def col(key: str, lang: str = "en") -> str:
    return t(key, lang)


def period(lang: str = "en", span: tuple[dt.date, dt.date] = YEAR, faculty: str | None = None) -> ReportParams:
    return ReportParams(lang=lang, date_from=span[0], date_to=span[1], faculty=faculty)


# --- state-grant credits (B21) -------------------------------------------------------------------

def quarter_students(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> set[str]:
    return {r[0] for r in con.execute("""
        select distinct h.student_id
        from main.fct_student_status_history as h
        join reference.fundings as f on h.funding = f.funding
        join reference.contingent_statuses as s on h.status = s.status
        where f.is_state_grant and s.is_enrolled
          and h.valid_from <= ? and (h.valid_to is null or h.valid_to > ?)
    """, [end, start]).fetchall()}


def mastered(con: duckdb.DuckDBPyConnection, start: dt.date | None, end: dt.date) -> dict[str, float]:
    """Credits of the passed standing results whose term's exam period ends in [start, end]."""
    return {r[0]: float(r[1]) for r in con.execute("""
        select g.student_id, sum(g.credits)
        from main.fct_grades as g
        left join main.dim_terms as d on g.academic_year = d.academic_year and g.term = d.term
        where g.is_passed and not g.is_superseded
          and coalesce(d.exams_end_on, g.graded_on) between coalesce(?, date '1900-01-01') and ?
        group by 1
    """, [start, end]).fetchall()}


@pytest.mark.parametrize("quarter", ["2024Q3", "2025Q1", "2025Q2"])
def test_state_grant_list_has_every_funded_student_with_their_credits(warehouse, quarter: str) -> None:
    doc = state_grant_credits.build(warehouse, ReportParams(lang="en", quarter=quarter))
    start, end = quarter_bounds(quarter)
    students = frame(doc)
    expected = quarter_students(warehouse, start, end)
    assert len(expected) > 50
    assert set(students[col("lists_student_id")]) == expected
    assert students[col("lists_student_id")].is_unique
    in_quarter, total = mastered(warehouse, start, end), mastered(warehouse, None, end)
    for _, row in students.iterrows():
        sid = row[col("lists_student_id")]
        assert float(row[col("lists_credits_quarter")]) == in_quarter.get(sid, 0.0), sid
        assert float(row[col("lists_credits_total")]) == total.get(sid, 0.0), sid
    assert (students[col("lists_credits_total")] >= students[col("lists_credits_quarter")]).all()
    periods = frame(doc, 1)
    assert set(periods[col("lists_student_id")]) == expected
    assert (periods[col("lists_period_from")] >= start).all() and (periods[col("lists_period_to")] <= end).all()
    assert (periods[col("lists_period_from")] <= periods[col("lists_period_to")]).all()


def test_state_grant_periods_are_clipped_and_the_list_is_due_on_the_var_day(warehouse) -> None:
    doc = state_grant_credits.build(warehouse, ReportParams(lang="en", quarter="2024Q3"))
    periods = frame(doc, 1)
    # the intake of September 2024 is funded from its admission, not from the quarter's start
    assert (periods[col("lists_period_from")] > dt.date(2024, 7, 1)).any()
    assert (periods[col("lists_period_from")] == dt.date(2024, 7, 1)).any()
    credits_q1 = frame(state_grant_credits.build(warehouse, ReportParams(lang="en", quarter="2025Q1")))
    assert credits_q1[col("lists_credits_quarter")].sum() > 0
    due = dt.date(2024, 10, int(dbt_vars()["state_grant_list_due_day"]))
    assert due.strftime("%d.%m.%Y") in doc.title
    assert doc.file_stem == "state_grant_credits_2024Q3"


@pytest.mark.parametrize("quarter", ["2025Q5", "25Q1", "2025-1", ""])
def test_a_malformed_quarter_is_refused(warehouse, quarter: str) -> None:
    with pytest.raises(ReportError, match="2025Q1"):
        state_grant_credits.build(warehouse, ReportParams(lang="en", quarter=quarter))


@pytest.mark.parametrize("quarter", ["1990Q1", "2035Q4"])
def test_a_quarter_outside_the_data_is_refused(warehouse, quarter: str) -> None:
    with pytest.raises(ReportError, match=quarter):
        state_grant_credits.build(warehouse, ReportParams(lang="en", quarter=quarter))


# --- social-benefit withdrawals (B22) ------------------------------------------------------------

def test_social_benefit_withdrawals_are_the_benefit_students_leaving_the_headcount(warehouse) -> None:
    doc = social_benefit_withdrawals.build(warehouse, period(span=ALL_YEARS))
    rows = frame(doc)
    expected = warehouse.execute("""
        select m.student_id, m.order_no, m.movement, coalesce(r.label_en, m.reason)
        from main.fct_contingent_movements as m
        join main.dim_students as s on m.student_id = s.student_id
        join reference.contingent_statuses as b on m.status_before = b.status
        join reference.contingent_statuses as a on m.status_after = a.status
        left join reference.movement_reasons as r on m.movement = r.movement and m.reason = r.reason
        where s.social_benefit and b.counts_in_headcount and not a.counts_in_headcount
          and m.effective_date between ? and ?
    """, list(ALL_YEARS)).fetchall()
    assert len(expected) >= 5
    labels = dict(warehouse.execute("select movement, label_en from reference.movement_types").fetchall())
    got = sorted(zip(rows[col("lists_student_id")], rows[col("lists_order_no")], rows[col("lists_movement")],
                     rows[col("lists_reason")], strict=True), key=str)
    assert got == sorted(((s, o, labels.get(m, m), r) for s, o, m, r in expected), key=str)
    one_year = frame(social_benefit_withdrawals.build(warehouse, period()))
    assert len(one_year) < len(rows)
    assert one_year[col("lists_effective_date")].between(*YEAR).all()


# --- movement register (B23) ---------------------------------------------------------------------

def test_movement_register_lists_every_order_of_the_period_with_monthly_totals(warehouse) -> None:
    doc = movement_register.build(warehouse, period())
    orders, totals = frame(doc), frame(doc, 1)
    (n_lines,) = warehouse.execute(
        "select count(*) from main.fct_contingent_movements where effective_date between ? and ?", list(YEAR)
    ).fetchone()
    assert len(orders) == n_lines > 100
    assert totals[col("lists_n_orders")].sum() == n_lines
    by_month = warehouse.execute("""
        select m.effective_month, t.label_en, count(*)
        from main.fct_contingent_movements as m join reference.movement_types as t on m.movement = t.movement
        where m.effective_date between ? and ? group by all
    """, list(YEAR)).fetchall()
    got = set(zip(totals[col("lists_month")], totals[col("lists_movement")], totals[col("lists_n_orders")],
                  strict=True))
    assert got == set(by_month)


def test_a_faculty_keeps_its_own_orders_and_an_unknown_one_is_refused(warehouse) -> None:
    (faculty, n_lines) = warehouse.execute("""
        select p.faculty_code, count(*) from main.rpt_movement_register as r
        join main.dim_programs as p on r.program_code = p.program_code
        where r.effective_date between ? and ? group by 1 order by 2 desc limit 1
    """, list(YEAR)).fetchone()
    doc = movement_register.build(warehouse, period(faculty=faculty))
    assert len(frame(doc)) == n_lines
    assert any(faculty in value for _, value in doc.parameters)
    with pytest.raises(ReportError, match="NOPE"):
        movement_register.build(warehouse, period(faculty="NOPE"))


# --- alphabetical book (B24) ---------------------------------------------------------------------

def test_alphabetical_book_puts_a_schwa_after_a_and_o_barred_after_o_in_kazakh(warehouse) -> None:
    book = frame(alphabetical_book.build(warehouse, ReportParams(lang="kk")))
    names = list(dict.fromkeys(book[col("lists_full_name", "kk")]))
    ours = [name for name in names if name.split()[0] in ALPHABET_SURNAMES]
    assert [name.split()[0] for name in ours] == list(ALPHABET_SURNAMES)
    # byte order would not do: the test can tell the two apart
    assert sorted(ALPHABET_SURNAMES) != list(ALPHABET_SURNAMES)
    # numbered by student, in the book's order
    numbers = book[col("lists_book_no", "kk")]
    assert numbers.is_monotonic_increasing
    assert numbers.iloc[-1] == book[col("lists_student_id", "kk")].nunique()


def test_alphabetical_book_has_every_student_and_order_with_the_admission_order(warehouse) -> None:
    book = frame(alphabetical_book.build(warehouse, ReportParams(lang="ru")))
    (n_students, n_lines) = warehouse.execute("""
        select count(distinct s.student_id), count(*)
        from main.dim_students as s join main.fct_contingent_movements as m on s.student_id = m.student_id
    """).fetchone()
    assert book[col("lists_student_id", "ru")].nunique() == n_students == 400
    assert len(book) == n_lines
    firsts = dict(warehouse.execute("""
        select m.student_id, m.order_no from main.fct_contingent_movements as m
        join reference.movement_types as t on m.movement = t.movement
        where t.is_headcount_inflow
        qualify row_number() over (partition by m.student_id order by m.replay_seq) = 1
    """).fetchall())
    admission = book.drop_duplicates(col("lists_student_id", "ru")).set_index(col("lists_student_id", "ru"))
    assert admission[col("lists_admission_order_no", "ru")].to_dict() == firsts


# --- archive files (B25) -------------------------------------------------------------------------

def test_archive_files_are_the_students_who_left_with_the_due_date_of_the_var(warehouse) -> None:
    rows = frame(archive_files_due.build(warehouse, period()))
    expected = warehouse.execute("""
        select m.student_id, m.effective_date
        from main.fct_contingent_movements as m
        join reference.contingent_statuses as b on m.status_before = b.status
        join reference.contingent_statuses as a on m.status_after = a.status
        where b.is_enrolled and not a.is_enrolled and m.effective_date between ? and ?
    """, list(YEAR)).fetchall()
    assert len(expected) > 10
    assert sorted(zip(rows[col("lists_student_id")], rows[col("lists_left_on")], strict=True)) == sorted(expected)
    months = int(dbt_vars()["personal_file_archive_after_months"])
    for left, due in zip(rows[col("lists_left_on")], rows[col("lists_archive_due_on")], strict=True):
        month = left.month - 1 + months
        assert due == left.replace(year=left.year + month // 12, month=month % 12 + 1)
    assert list(rows[col("lists_archive_due_on")]) == sorted(rows[col("lists_archive_due_on")])


# --- final attestation (B26) ---------------------------------------------------------------------

def test_final_attestation_by_programme_matches_the_grades(warehouse) -> None:
    doc = final_attestation_results.build(warehouse, period())
    by_programme = frame(doc).set_index(col("lists_program_code"))
    expected = warehouse.execute("""
        select s.program_code, g.letter_grade, count(*), count(*) filter (where g.is_passed)
        from main.fct_grades as g
        join main.dim_disciplines as d on g.discipline_code = d.discipline_code
        join main.dim_students as s on g.student_id = s.student_id
        join main.dim_terms as t on g.academic_year = t.academic_year and g.term = t.term
        where d.is_final_attestation and g.is_first_in_term and t.exams_end_on between ? and ?
        group by all
    """, list(YEAR)).fetchall()
    assert sum(n for *_, n, _ in expected) > 20
    for programme in {p for p, *_ in expected}:
        mine = [r for r in expected if r[0] == programme]
        assert by_programme.loc[programme, col("lists_n_graded")] == sum(r[2] for r in mine)
        assert by_programme.loc[programme, col("lists_n_passed")] == sum(r[3] for r in mine)
        for _, letter, n, _ in mine:
            assert by_programme.loc[programme, letter] == n
    scale = [r[0] for r in warehouse.execute(
        "select letter_grade from reference.grade_scale where scale_version = ? order by sort_order",
        [str(dbt_vars()["grade_scale_version"])]).fetchall()]
    letter_columns = list(by_programme.columns[3:3 + len(scale)])
    assert letter_columns == scale
    assert len(frame(doc, 1)) == sum(r[2] for r in expected)


# --- grade-sheet timeliness (B27) ----------------------------------------------------------------

def test_late_grade_sheets_by_teacher_and_discipline_with_days_late(warehouse) -> None:
    doc = grade_sheet_timeliness.build(warehouse, period())
    sheets = frame(doc)
    expected = warehouse.execute("""
        select e.teacher_id, g.discipline_code, count(*),
               max(date_diff('day', t.exams_end_on, g.graded_on))
        from main.fct_grades as g
        join main.dim_terms as t on g.academic_year = t.academic_year and g.term = t.term
        left join main.fct_enrollments as e
          on g.student_id = e.student_id and g.discipline_code = e.discipline_code
         and g.academic_year = e.academic_year and g.term = e.term
        where g.source = 'session' and g.is_first_in_term and g.graded_on > t.exams_end_on
          and t.exams_end_on between ? and ?
        group by all
    """, list(YEAR)).fetchall()
    assert sum(r[2] for r in expected) == len(LATE_DAYS)
    got = set(zip(sheets[col("lists_teacher_id")], sheets[col("lists_discipline_code")],
                  sheets[col("lists_n_late")], sheets[col("lists_max_days_late")], strict=True))
    assert got == set(expected)
    teachers = frame(doc, 1)
    assert teachers[col("lists_n_late")].sum() == len(LATE_DAYS)
    assert teachers[col("lists_max_days_late")].max() == max(LATE_DAYS)
    # no sheet of another year is late
    other = frame(grade_sheet_timeliness.build(warehouse, period(span=(dt.date(2023, 9, 1), dt.date(2024, 8, 31)))))
    assert other.empty


# --- every report: languages and refusals --------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("module", REPORTS, ids=lambda m: m.REPORT.name)
def test_every_report_builds_in_each_language_with_translated_headers(warehouse, module, lang: str) -> None:
    params = ReportParams(lang=lang, quarter="2025Q1", date_from=YEAR[0], date_to=YEAR[1])
    doc = module.REPORT.build(warehouse, params)
    assert doc.title and not doc.title.startswith("lists_")
    for section in doc.sections:
        assert not [c for c in section.frame.columns if str(c).startswith("lists_")]
    assert doc.file_stem.startswith(module.REPORT.name)


@pytest.mark.parametrize("module", [m for m in REPORTS if "period" in m.REPORT.required + m.REPORT.optional],
                         ids=lambda m: m.REPORT.name)
def test_a_period_that_ends_before_it_starts_is_refused(warehouse, module) -> None:
    with pytest.raises(ReportError, match="01.09.2025"):
        module.REPORT.build(warehouse, period(span=(dt.date(2025, 9, 1), dt.date(2025, 8, 31))))


@pytest.mark.parametrize("module", [m for m in REPORTS if "period" in m.REPORT.required],
                         ids=lambda m: m.REPORT.name)
def test_a_required_period_must_be_given_and_reach_the_orders(warehouse, module) -> None:
    with pytest.raises(ReportError, match="--from"):
        module.REPORT.build(warehouse, ReportParams(lang="en", date_from=YEAR[0]))
    with pytest.raises(ReportError, match="01.01.1991"):
        module.REPORT.build(warehouse, period(span=(dt.date(1990, 1, 1), dt.date(1991, 1, 1))))


@pytest.mark.parametrize("module", [final_attestation_results, grade_sheet_timeliness, social_benefit_withdrawals],
                         ids=lambda m: m.REPORT.name)
def test_a_period_with_nothing_to_list_gives_empty_sections_with_their_headers(warehouse, module) -> None:
    (first,) = warehouse.execute("select min(effective_date) from main.fct_contingent_movements").fetchone()
    doc = module.REPORT.build(warehouse, period(span=(first, first + dt.timedelta(days=1))))
    assert all(section.frame.empty and len(section.frame.columns) > 3 for section in doc.sections)


def _plain(value: object) -> object:
    """A cell as the document holds it: dates as dates, whole numbers as ints, missing as None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


@pytest.mark.parametrize("module", REPORTS, ids=lambda m: m.REPORT.name)
def test_every_list_report_writes_files_that_hold_its_rows(warehouse, module) -> None:
    """The XLSX holds every section's header and rows, typed; the CSV holds the same rows; the PDF
    names the report and the university on its first page."""
    import csv
    import io

    import openpyxl
    from pypdf import PdfReader

    from registrar.reports import run

    params = ReportParams(lang="kk", quarter="2025Q1", date_from=YEAR[0], date_to=YEAR[1])
    produced = run.produce(module.REPORT, params, module.REPORT.formats, warehouse)
    doc = produced["xlsx"].document
    assert any(len(section.frame) for section in doc.sections), "the demo gives each list some rows"

    cells = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(produced["xlsx"].data)).active
             .iter_rows()]
    assert cells[0][0] == doc.title
    at = 0
    for section in doc.sections:
        header = [str(c) for c in section.frame.columns]
        at = next(i for i in range(at, len(cells)) if [str(v) for v in cells[i][:len(header)]] == header)
        got = [[_plain(v) for v in row[:len(header)]] for row in cells[at + 1: at + 1 + len(section.frame)]]
        want = [[_plain(v) for v in row] for row in section.frame.itertuples(index=False)]
        assert got == want, section.heading
        at += 1 + len(section.frame)

    text = produced["csv"].data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + sum(len(s.frame) for s in doc.sections)
    if "pdf" in produced:
        first_page = PdfReader(io.BytesIO(produced["pdf"].data)).pages[0].extract_text()
        assert doc.title.split()[0] in first_page
