"""The report machinery on a real published warehouse (the mini university): the catalogue,
the parameter checks, the one exporter (XLSX, CSV, PDF), `registrar report`, the Reports page,
and the two student documents (transcript, certificate of enrolment)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from policy import dbt_vars, settings
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from registrar.common.warehouse import Warehouse
from registrar.reports import catalog, issued, params, run
from registrar.reports.base import Report, ReportError, ReportParams
from registrar.reports.export import university_name
from tests.support.apptest import rendered
from tests.support.pdf import KAZAKH_LOWER, pdf_text

pytestmark = pytest.mark.slow

ACTIVE, ON_LEAVE, EXPELLED = "S0001", "S0002", "S0003"
APP = str(PROJECT_DIR / "dashboards" / "app.py")


@pytest.fixture
def con(published_mini: Home):
    connection = duckdb.connect(str(published_mini.warehouse), read_only=True)
    yield connection
    connection.close()


def cli(home: Home, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REGISTRAR_HOME": str(home.root)}
    return subprocess.run([sys.executable, "-m", "registrar.cli", "report", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def produce(con: duckdb.DuckDBPyConnection, name: str, fmt: str, **given: str) -> run.Produced:
    report = catalog.get(name)
    parsed = params.parse(report, con, fmt=fmt, **given)
    return run.produce(report, parsed, (fmt,), con)[fmt]


# --- catalogue -------------------------------------------------------------------------------


# --- parameters ------------------------------------------------------------------------------

QUARTERLY = Report("quarterly_test", "t", "d", ("quarter",), ("faculty",), ("csv",), lambda con, p: None)
PERIODIC = Report("periodic_test", "t", "d", ("period",), (), ("csv",), lambda con, p: None)


def test_quarters_inside_and_outside_the_data(con: duckdb.DuckDBPyConnection) -> None:
    assert params.parse(QUARTERLY, con, quarter="2025q1").quarter == "2025Q1"
    assert params.quarter_bounds("2025Q4") == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    with pytest.raises(ReportError, match="2019Q1 is outside the data"):
        params.parse(QUARTERLY, con, quarter="2019Q1")
    with pytest.raises(ReportError, match="2025Q5"):
        params.parse(QUARTERLY, con, quarter="2025Q5")


def test_parameters_are_checked_against_the_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    transcript = catalog.get("transcript")
    cases = [
        (dict(report=transcript), "transcript needs --student"),
        (dict(report=transcript, student="S9999"), "no student 'S9999'"),
        (dict(report=transcript, student=ACTIVE, quarter="2025Q1"), "--quarter is not a parameter of transcript"),
        (dict(report=transcript, student=ACTIVE, fmt="docx"), "not offered as docx"),
        (dict(report=transcript, student=ACTIVE, lang="de"), "unknown language 'de'"),
        (dict(report=QUARTERLY, quarter="2025Q1", faculty="XYZ"), "no faculty 'XYZ'"),
        (dict(report=PERIODIC, date_from="2025-03-01", date_to="2025-02-01"), "--from 2025-03-01 is after --to"),
        (dict(report=PERIODIC, date_from="2020-01-01", date_to="2020-12-31"), "before the first order"),
        (dict(report=PERIODIC, date_from="2025-01-01"), "--from and --to go together"),
        (dict(report=PERIODIC, date_from="01.03.2025", date_to="2025-04-01"), "'01.03.2025' is not a date"),
        (dict(report=catalog.get("enrolment_certificate"), student=ACTIVE, as_of="2020-01-01"),
         "--as-of: 2020-01-01 is before the first order \\(2024-09-01\\)"),
    ]
    for given, message in cases:
        report = given.pop("report")
        with pytest.raises(ReportError, match=message):
            params.parse(report, con, **given)
    # up to the data's last date, the mini extract's last grade sheet (2025-06-10), and not a day later
    ok = params.parse(PERIODIC, con, date_from="2024-09-01", date_to="2025-06-10", lang="ru")
    assert (ok.date_from, ok.date_to, ok.lang) == (dt.date(2024, 9, 1), dt.date(2025, 6, 10), "ru")
    with pytest.raises(ReportError, match="--to: 2025-08-31 is after the last data \\(2025-06-10\\)"):
        params.parse(PERIODIC, con, date_from="2024-09-01", date_to="2025-08-31")


TERMLY = Report("termly_test", "t", "d", ("year", "term"), ("faculty",), ("csv",), lambda con, p: None)
YEARLY = Report("yearly_test", "t", "d", ("year",), (), ("csv",), lambda con, p: None)


def test_academic_year_and_term_are_checked_against_the_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    year, term = con.execute("select academic_year, term from main.fct_grades where term = '1' limit 1").fetchone()
    ok = params.parse(TERMLY, con, year=f" {year} ", term=term)
    assert (ok.year, ok.term) == (year, term)
    assert params.parse(YEARLY, con, year=year).year == year
    empty_term = con.execute("select t.term from main.dim_terms as t where t.academic_year = ? and not exists "
                             "(select 1 from main.fct_grades as g where g.academic_year = t.academic_year "
                             "and g.term = t.term) union all select term from reference.terms as r where not "
                             "exists (select 1 from main.fct_grades as g where g.academic_year = ? and g.term = "
                             "r.term) limit 1", [year, year]).fetchone()[0]
    cases = [
        (dict(report=TERMLY, year=year), "termly_test needs --term"),
        (dict(report=TERMLY, year="2024/2025", term="1"), "'2024/2025' is not an academic year"),
        (dict(report=TERMLY, year="2024-2026", term="1"), "'2024-2026' is not an academic year"),
        (dict(report=TERMLY, year="1999-2000", term="1"), "no terms of 1999-2000"),
        (dict(report=TERMLY, year=year, term="3"), "'3' is not a term; terms: 1, 2"),
        (dict(report=TERMLY, year=year, term=empty_term), f"term {empty_term} of {year} has no session results"),
        (dict(report=YEARLY, year=year, term="1"), "--term is not a parameter of yearly_test"),
    ]
    for given, message in cases:
        report = given.pop("report")
        with pytest.raises(ReportError, match=message):
            params.parse(report, con, **given)
    assert params.latest_graded_term(con) == con.execute(
        "select academic_year, term from main.fct_grades where term in ('1', '2') "
        "order by academic_year desc, term desc limit 1").fetchone()


def test_parameter_messages_are_in_the_chosen_language(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ReportError, match="обучающегося 'S9999' нет"):
        params.parse(catalog.get("transcript"), con, student="S9999", lang="ru")


# --- transcript ------------------------------------------------------------------------------

def test_transcript_xlsx_matches_the_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    produced = produce(con, "transcript", "xlsx", student=ACTIVE, lang="kk")
    assert re.fullmatch(rf"transcript_{ACTIVE}_kk_\d{{4}}-\d{{2}}-\d{{2}}\.xlsx", produced.file_name)
    ws = openpyxl.load_workbook(io.BytesIO(produced.data)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    first_col = [row[0] for row in cells]
    assert cells[0][0] == "Транскрипт"
    assert university_name("kk") in first_col
    params_rows = {row[0]: row[1] for row in cells[:10] if row[0] and row[1] is not None}
    assert params_rows["Білім алушы"] == f"Ахметов Нұрлан Серікұлы ({ACTIVE})"
    assert params_rows["Білім беру бағдарламасы"] == "6B08101 Агрономия"
    # an official document: its outgoing number of the register and day of issue; no internal refresh line
    last = issued.entries(issued.register_dir(con))[-1]
    assert (last["document"], last["student"]) == ("transcript", ACTIVE)
    assert params_rows[t("document_outgoing_number", "kk")] == last["number"]
    issued_cell = next(row[1] for row in ws.iter_rows(max_row=12) if row[0].value == t("document_issued_on", "kk"))
    assert issued_cell.value == dt.datetime.combine(dt.date.today(), dt.time())
    assert issued_cell.number_format == "DD.MM.YYYY"
    assert t("report_refreshed_at", "kk") not in first_col

    header = first_col.index("Оқу жылы")  # the disciplines' header: frozen below it
    assert ws.freeze_panes == f"A{header + 2}"
    expected = con.execute(
        "select discipline_code, credits, letter_grade, grade_points, traditional_grade_kk from main.rpt_transcript "
        "where student_id = ? order by term_seq, discipline_code", [ACTIVE]).fetchall()
    assert expected, "the mini student has results"
    names = cells[header]
    rows = [dict(zip(names, r, strict=True)) for r in cells[header + 1: header + 1 + len(expected)]]
    got = [(r["Коды"], r["Кредиттер"], r["Әріптік баға"], r["Сандық баламасы"], r["Дәстүрлі жүйе бойынша баға"])
           for r in rows]
    assert got == [(code, credits, letter, None if points is None else float(points), grade)
                   for code, credits, letter, points, grade in expected]
    assert all(isinstance(r["Кредиттер"], int) for r in rows)  # numbers as numbers
    earned, required = con.execute(
        "select st.cumulative_credits_earned, p.credits_required from main.fct_student_terms as st "
        "join main.dim_students as s using (student_id) join main.dim_programs as p on s.program_code = p.program_code "
        "where st.student_id = ? order by st.term_seq desc limit 1", [ACTIVE]).fetchone()
    total_header = first_col.index("Барлығы меңгерілген кредиттер", header)
    assert cells[total_header + 1][:3] == [earned, required, required - earned]
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths["D"] >= max(len(str(r["Пән"])) for r in rows)  # fits the longest discipline name


def test_transcript_pdf_carries_the_kazakh_letters_and_the_student(con: duckdb.DuckDBPyConnection) -> None:
    produced = produce(con, "transcript", "pdf", student=ACTIVE, lang="kk")
    reader = PdfReader(io.BytesIO(produced.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) in {(595, 842), (842, 595)}  # A4
    text = pdf_text(produced.data)
    assert "Ахметов Нұрлан Серікұлы" in text and "Демо университеті" in text and "Агрономия" in text
    for (name,) in con.execute("select distinct discipline_name_kk from main.rpt_transcript where student_id = ?",
                               [ACTIVE]).fetchall():
        assert name in text
    assert f"{len(reader.pages)} беттің 1-беті" in text  # page X of Y, translated
    present = {ch for ch in KAZAKH_LOWER if ch in text.lower()}
    assert present >= set("әғқңөұүі"), set(KAZAKH_LOWER) - present  # every letter but һ occurs in the labels


def test_transcript_pdf_is_an_official_document_with_the_grade_scale(con: duckdb.DuckDBPyConnection) -> None:
    """Issue 23 point 11, read back from the rendered PDF: the outgoing number and the day of issue, the
    grade scale in use under the grades (against the seed, independently), the signatory and the place
    of the stamp, the university's official name, and no "warehouse refreshed" line."""
    for lang in ("kk", "ru", "en"):
        text = pdf_text(produce(con, "transcript", "pdf", student=ACTIVE, lang=lang).data)
        number = issued.entries(issued.register_dir(con))[-1]["number"]
        assert f"{t('document_outgoing_number', lang)}: {number}" in text
        assert f"{t('document_issued_on', lang)}: {dt.date.today():%d.%m.%Y}" in text
        assert t("report_refreshed_at", lang) not in text
        assert university_name(lang) in text
        assert settings()[f"document_signatory_position_{lang}"] in text
        assert settings()["document_signatory_name"] in text
        assert t("document_stamp_place", lang) in text and t("transcript_section_scale", lang) in text
        scale = con.execute(
            f"""select s.letter_grade, s.grade_points, s.min_percent, s.max_percent, g.label_{lang}
                from reference.grade_scale as s join reference.traditional_grades as g using (traditional_grade)
                where s.scale_version = ? order by s.sort_order""", [str(dbt_vars()["grade_scale_version"])]).fetchall()
        assert len(scale) >= 10
        for letter, points, low, high, label in scale:
            assert f"{letter} {points:.2f} {low}–{high} {label}" in text


def test_each_document_made_gets_the_next_number_of_the_year(con: duckdb.DuckDBPyConnection) -> None:
    folder = issued.register_dir(con)
    before = [e for e in issued.entries(folder) if e["year"] == dt.date.today().year]
    produce(con, "enrolment_certificate", "pdf", student=ACTIVE, lang="ru")
    produce(con, "transcript", "xlsx", student=ACTIVE, lang="en")
    after = [e for e in issued.entries(folder) if e["year"] == dt.date.today().year]
    assert [e["seq"] for e in after] == list(range(1, len(before) + 3))
    assert [e["document"] for e in after[-2:]] == ["enrolment_certificate", "transcript"]
    assert len({e["number"] for e in after}) == len(after)


def test_transcript_csv_stacks_its_sections_with_a_bom(con: duckdb.DuckDBPyConnection) -> None:
    data = produce(con, "transcript", "csv", student=ACTIVE, lang="ru").data
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert frame.columns[0] == "Раздел" and "Дисциплина" in frame.columns
    assert list(frame["Раздел"].unique()) == ["Дисциплины по семестрам", "GPA по семестрам", "Итого", "Шкала оценок"]
    n = con.execute("select count(*) from main.rpt_transcript where student_id = ?", [ACTIVE]).fetchone()[0]
    assert (frame["Раздел"] == "Дисциплины по семестрам").sum() == n


# --- certificate of enrolment ----------------------------------------------------------------

def test_certificate_of_an_enrolled_student(con: duckdb.DuckDBPyConnection) -> None:
    produced = produce(con, "enrolment_certificate", "pdf", student=ACTIVE, as_of="2025-03-01", lang="kk")
    assert produced.file_name.startswith(f"enrolment_certificate_{ACTIVE}_2025-03-01_kk_")
    text = pdf_text(produced.data)
    assert "Оқитыны туралы анықтама" in text and "Ахметов Нұрлан Серікұлы" in text
    assert "20.08.2024 № 101-С бұйрықпен қабылданған" in text and "Күндізгі" in text and "01.03.2025" in text
    # the university in the genitive before the course (ізафет), one sentence as a Kazakh certificate reads
    assert f"{settings()['university_name_genitive_kk']} 1-курс білім алушысы екенін растайды" in " ".join(text.split())
    assert t("report_refreshed_at", "kk") not in text and t("document_stamp_place", "kk") in text


def test_certificate_sentence_agrees_in_russian(con: duckdb.DuckDBPyConnection) -> None:
    """The Russian sentence: the course and the university in the genitive, and the words that agree with
    the student's gender (S0001 is a man; a woman of the mini university reads обучающейся / зачислена)."""
    text = " ".join(pdf_text(produce(con, "enrolment_certificate", "pdf", student=ACTIVE, as_of="2025-03-01",
                                     lang="ru").data).split())
    genitive = settings()["university_name_genitive_ru"]
    assert f"на 01.03.2025 является обучающимся 1 курса {genitive}: форма обучения — очная" in text
    assert "Зачислен приказом № 101-С от 20.08.2024" in text and "(а)" not in text
    woman = con.execute("""select c.student_id from main.rpt_enrolment_certificate as c
                           join main.dim_students as s using (student_id)
                           where s.gender = 'F' and c.is_enrolled and date '2025-03-01' between c.valid_from
                           and c.valid_to_inclusive order by 1 limit 1""").fetchone()
    assert woman, "the mini university has an enrolled woman on 01.03.2025"
    text = " ".join(pdf_text(produce(con, "enrolment_certificate", "pdf", student=woman[0], as_of="2025-03-01",
                                     lang="ru").data).split())
    assert "является обучающейся" in text and "Зачислена приказом" in text


def test_certificate_without_a_date_is_of_the_data_s_last_date(con: duckdb.DuckDBPyConnection) -> None:
    """Not of today: the warehouse knows nothing after its extract date (issue 23 point 2)."""
    (last,) = con.execute("select extract_date from meta.refresh").fetchone()
    assert last == dt.date(2025, 6, 10) and last != dt.date.today()
    produced = produce(con, "enrolment_certificate", "pdf", student=ACTIVE, lang="en")
    assert produced.file_name.startswith(f"enrolment_certificate_{ACTIVE}_2025-06-10_en_")
    assert "10.06.2025" in pdf_text(produced.data)


def test_certificate_of_a_student_on_academic_leave_says_so(con: duckdb.DuckDBPyConnection) -> None:
    text = pdf_text(produce(con, "enrolment_certificate", "pdf", student=ON_LEAVE, as_of="2025-03-01",
                            lang="en").data)
    assert "On 01.03.2025 the student is: On academic leave." in text


def test_certificate_is_refused_when_not_enrolled(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ReportError, match=r"is not enrolled on 01\.03\.2025: Expelled since 01\.03\.2025 "
                                          r"\(order 230-С\)"):
        produce(con, "enrolment_certificate", "pdf", student=EXPELLED, as_of="2025-03-01")
    # every mini student was admitted on the first order's day, which params.parse already guards;
    # the report's own refusal is reached by a date before the student's own admission
    build = catalog.get("enrolment_certificate").build
    with pytest.raises(ReportError, match=r"not enrolled on 31\.08\.2024: not yet admitted \(enrolled from 01\.09"):
        build(con, ReportParams(lang="en", student=ACTIVE, as_of=dt.date(2024, 8, 31)))


# --- the command line ------------------------------------------------------------------------

def test_cli_lists_the_reports(published_mini: Home) -> None:
    done = cli(published_mini, "--list")
    assert done.returncode == 0, done.stderr
    assert "transcript: Transcript of one student" in done.stdout
    assert "--student (required), --as-of; formats: pdf, xlsx" in done.stdout
    assert "Бір білім алушының транскрипті" in cli(published_mini, "--list", "--lang", "kk").stdout


def test_cli_writes_a_transcript(published_mini: Home, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    done = cli(published_mini, "transcript", "--student", ACTIVE, "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out).active["A1"].value == "Transcript"
    done = cli(published_mini, "transcript", "--student", ACTIVE, "--lang", "ru", "--format", "pdf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (written,) = tmp_path.glob("transcript_*.pdf")
    assert re.fullmatch(rf"transcript_{ACTIVE}_ru_{dt.date.today():%Y-%m-%d}\.pdf", written.name)
    assert "Ахметов" in pdf_text(written.read_bytes())
    assert not list(tmp_path.glob(".*part"))


@pytest.mark.parametrize(("args", "message"), [
    (("enrolment_certificate", "--student", EXPELLED, "--as-of", "2025-06-01", "--format", "pdf"),
     "is not enrolled on 01.06.2025: Expelled"),
    (("transcript", "--student", "S9999", "--format", "pdf"), "no student 'S9999'"),
    (("transcript", "--student", ACTIVE, "--quarter", "2025Q5", "--format", "pdf"),
     "--quarter is not a parameter of transcript"),
    (("transcript", "--student", ACTIVE, "--format", "csv", "--lang", "kk", "--as-of", "2025-01-01"),
     "--as-of — transcript есебінің параметрі емес"),
    (("enrolment_certificate", "--student", ACTIVE, "--format", "csv"), "not offered as csv"),
    # a date after the data's last date (the mini extract's, 2025-06-10) is refused, naming that date
    (("enrolment_certificate", "--student", ACTIVE, "--as-of", "2026-12-06", "--format", "pdf"),
     "--as-of: 2026-12-06 is after the last data (2025-06-10)"),
    (("state_grant_credits", "--quarter", "2025Q2", "--format", "xlsx"),
     "--quarter: 2025Q2 ends on 2025-06-30, after the data's last date (2025-06-10); the last complete quarter "
     "is 2025Q1"),
    (("no_such_report", "--format", "pdf"), "no report called 'no_such_report'"),
])
def test_cli_refusals_exit_2_with_a_message_and_no_file(published_mini: Home, tmp_path: Path,
                                                       args: tuple[str, ...], message: str) -> None:
    out = tmp_path / "never.pdf"
    done = cli(published_mini, *args, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_a_bad_quarter_of_every_quarterly_report(published_mini: Home, tmp_path: Path) -> None:
    quarterly = [r.name for r in catalog.reports().values() if "quarter" in r.required + r.optional]
    assert quarterly  # state_grant_credits takes --quarter: an empty list would test nothing
    for name in quarterly:
        done = cli(published_mini, name, "--quarter", "2025Q5", "--format", catalog.get(name).formats[0],
                   "--out", str(tmp_path / "x"))
        assert done.returncode == 2 and "2025Q5" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_without_a_published_warehouse(tmp_path: Path) -> None:
    done = cli(Home(tmp_path), "transcript", "--student", ACTIVE, "--format", "pdf", cwd=tmp_path)
    assert done.returncode == 2 and "no published warehouse" in done.stderr
    assert list(tmp_path.iterdir()) == []


# --- shared access and the Reports page ------------------------------------------------------

def test_warehouse_cursor_reads_the_published_file(published_mini: Home) -> None:
    wh = Warehouse(published_mini.warehouse)
    with wh.cursor() as cursor:
        # S0001-S0003, and S0004 whose two orders of the census day test the contingent marts
        assert cursor.execute("select count(*) from main.dim_students").fetchone()[0] == 4
    wh.close()


@pytest.mark.usefixtures("dashboard_as_registrar")  # the app signed in (tests/support/access.py)
def test_reports_page_makes_a_document_and_shows_a_refusal(published_mini: Home,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("REGISTRAR_HOME", str(published_mini.root))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("views/reports.py").run()
    assert not at.exception
    at.selectbox(key="report_name").select("transcript").run()
    at.text_input(key="report_transcript_student").input(ACTIVE).run()
    at.button(key="report_make").click().run()
    assert not at.error and [b.label for b in at.get("download_button")] == ["Download XLSX", "Download PDF",
                                                                             "Download CSV"]
    at.text_input(key="report_transcript_student").input("S9999").run()  # the Student page's search: no match
    assert [rendered(i.value) for i in at.info] == [t("stu_no_match", "en", text="S9999")]
    at.button(key="report_make").click().run()
    assert [rendered(e.value) for e in at.error] == [t("reports_err_missing_student", "en")]  # not "--student: ..."


# --- the optional basis of admission (issue 18 §3) ----------------------------------------------

def test_an_extract_without_the_admission_basis_column_publishes(con: duckdb.DuckDBPyConnection) -> None:
    """The mini extract predates the optional students column `admission_basis`: it published, its
    students have no basis, and form 3-НК counts them in its totals and in no basis row."""
    from tests.support.extracts import MINI

    header = (MINI / "students.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "admission_basis" not in header
    assert con.execute("select count(*), count(admission_basis) from main.dim_students").fetchone()[1] == 0
    census = con.execute("select max(census_date) from main.rpt_stat_form_3nk").fetchone()[0]
    if census is None:
        return  # the mini extract reaches no census date: nothing to lay out
    doc = catalog.get("stat_form_3nk").build(con, ReportParams(lang="en", as_of=census))
    bases = next(s.frame for s in doc.sections if s.heading.startswith("Part 6"))
    assert list(bases.iloc[:, 0]) == ["01"] and bases.iloc[0, 2] == doc.sections[0].frame.iloc[0, 2]
