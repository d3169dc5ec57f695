"""The diploma register and the journal of strict-accountability blanks (issue 18 §2, rules B32): the two
optional extract files, the reports diploma_register, blank_journal and diploma_supplement against
independent SQL on the shared demo (whose extract has both files), their refusals, and the register's
checks: one refresh of the mini university with every defect planted at once stops at the dbt build and
names each broken rule and its rows, the honours rule as a warning."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from registrar.common.paths import Home
from registrar.pipeline.refresh import RefreshFailed, refresh
from registrar.reports import export
from registrar.reports import params as report_params
from registrar.reports.base import ReportError, ReportParams
from registrar.reports.library import blank_journal, diploma_register, diploma_supplement, transcript
from tests.support.extracts import file_digest, quiet
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.xdist_group("dashboards")  # the shared demo (tests/conftest.py) is built once there


@pytest.fixture(scope="module")
def demo(published_demo: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(published_demo.warehouse), read_only=True)
    yield con
    con.close()


def _rows(frame) -> list[tuple]:
    return [tuple(None if v != v else v for v in row) for row in frame.itertuples(index=False)]  # NaN -> None


# --- diploma_register --------------------------------------------------------------------------


def _busiest_year(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select academic_year from main.fct_diplomas group by 1 order by count(*) desc, 1 "
                       "limit 1").fetchone()[0]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_register_lists_every_document_of_the_year_as_the_extract_has_it(demo, lang: str) -> None:
    years = [r[0] for r in demo.execute("select distinct academic_year from main.fct_diplomas order by 1").fetchall()]
    assert len(years) >= 2, years
    for year in years:
        doc = diploma_register.build(demo, ReportParams(lang=lang, year=year))
        register, totals = doc.sections
        # independent: the raw register, each document in the academic year whose first term started last on or
        # before its issue date
        expected = demo.execute("""
            with starts as (select academic_year, min(starts_on) as starts_on from main.dim_terms group by 1)
            select d.issued_on, d.series, d.number, d.student_id, d.duplicate_of
            from raw.diplomas as d
            where (select s.academic_year from starts as s where s.starts_on <= d.issued_on
                   order by s.starts_on desc limit 1) = ?
            order by 1, 2, 3, 4
        """, [year]).fetchall()
        got = sorted(_rows(register.frame.iloc[:, [0, 2, 3, 4, 9]]), key=lambda r: r[:4])
        assert got == expected, year
        kinds = dict(demo.execute(f"select kind, label_{lang} from reference.diploma_kinds").fetchall())
        want_totals = demo.execute("""
            with starts as (select academic_year, min(starts_on) as starts_on from main.dim_terms group by 1)
            select kind, count(*), count(*) filter (where duplicate_of is null),
                   count(*) filter (where duplicate_of is not null), count(*) filter (where honours)
            from raw.diplomas as d
            where (select s.academic_year from starts as s where s.starts_on <= d.issued_on
                   order by s.starts_on desc limit 1) = ?
            group by kind
        """, [year]).fetchall()
        assert sorted(_rows(totals.frame)) == sorted((kinds[k], *n) for k, *n in want_totals)
        assert doc.parameters[0][1] == year and year in doc.title


def test_register_shows_a_duplicate_with_the_number_it_replaces_and_keeps_to_a_faculty(demo) -> None:
    student, number, replaced, year, faculty = demo.execute(
        "select student_id, number, duplicate_of, academic_year, faculty_code from main.fct_diplomas "
        "where is_duplicate").fetchone()
    doc = diploma_register.build(demo, ReportParams(lang="en", year=year, faculty=faculty))
    register = doc.sections[0].frame
    row = register[register["Number"] == number]
    assert list(row["Student ID"]) == [student] and list(row["Duplicate of No."]) == [replaced]
    others = demo.execute("select count(*) from main.fct_diplomas where academic_year = ? and faculty_code = ?",
                          [year, faculty]).fetchone()[0]
    assert len(register) == others < demo.execute("select count(*) from main.fct_diplomas where academic_year = ?",
                                                  [year]).fetchone()[0]
    assert doc.sections[1].frame["Duplicates"].sum() == 1
    assert ("Faculty", f"{faculty} — " + demo.execute("select name_en from main.dim_faculties where faculty_code = ?",
                                                      [faculty]).fetchone()[0]) in doc.parameters


# --- blank_journal -----------------------------------------------------------------------------


def test_journal_balances_each_series_as_the_accounting_form_does(demo) -> None:
    # from a day inside the data to its last day, so the closing balance is the blanks on hand today
    start, end = dt.date(2025, 1, 1), report_params.data_span(demo)[1]
    doc = blank_journal.build(demo, ReportParams(lang="ru", date_from=start, date_to=end))
    balance, lines = doc.sections
    movements = demo.execute("select movement, label_ru from reference.blank_movement_types "
                             "order by sort_order").fetchall()
    assert list(balance.frame.columns) == ["Документ", "Серия", "Остаток на начало",
                                           *(label for _, label in movements), "Остаток на конец"]
    # independent: the raw journal, each range's blanks counted from its numbers and signed by the seed
    n = "(cast(m.number_to as bigint) - cast(m.number_from as bigint) + 1)"
    per_movement = ", ".join(f"coalesce(sum({n}) filter (where m.moved_on between $s and $e "
                             f"and m.movement = '{code}'), 0)" for code, _ in movements)
    expected = demo.execute(f"""
        select m.series, coalesce(sum({n} * t.stock_effect) filter (where m.moved_on < $s), 0), {per_movement},
               sum({n} * t.stock_effect)
        from raw.blank_movements as m inner join reference.blank_movement_types as t on m.movement = t.movement
        where m.moved_on <= $e group by m.series order by m.series
    """, {"s": start, "e": end}).fetchall()
    got = sorted((row[1], *(int(v) for v in row[2:])) for row in _rows(balance.frame))
    assert got == [(row[0], *(int(v) for v in row[1:])) for row in expected]
    assert any(row[2] for row in got) and any(row[-1] for row in got)  # something moved, something is on hand
    # the balance at the end is the blanks on hand, number by number
    on_hand = dict(demo.execute("select series, count(*) filter (where is_on_hand) from main.fct_blank_numbers "
                                "group by 1").fetchall())
    assert {row[0]: row[-1] for row in got} == on_hand
    assert len(lines.frame) == demo.execute("select count(*) from raw.blank_movements where moved_on between ? and ?",
                                            [start, end]).fetchone()[0] > 0


def test_every_blank_is_received_once_and_used_once_in_the_demo(demo) -> None:
    issued = demo.execute("select count(*) from main.fct_blank_numbers where n_documents = 1").fetchone()[0]
    assert issued == demo.execute("select count(*) from main.fct_diplomas").fetchone()[0] > 0
    assert demo.execute("select count(*) from main.fct_blank_numbers where is_used_twice or n_received <> 1 "
                        "or (n_documents = 1) <> (taken_out_by = 'issued')").fetchone()[0] == 0


# --- diploma_supplement ------------------------------------------------------------------------


def test_supplement_is_the_transcript_headed_by_the_diploma_and_its_duplicate(demo) -> None:
    student, number = demo.execute("select student_id, number from main.fct_diplomas where is_duplicate").fetchone()
    params = ReportParams(lang="kk", student=student)
    doc = diploma_supplement.build(demo, params)
    base = transcript.build(demo, params)
    assert [s.heading for s in doc.sections] == [s.heading for s in base.sections]
    for mine, theirs in zip(doc.sections, base.sections, strict=True):
        assert mine.frame.equals(theirs.frame)
    shown = dict(doc.parameters)
    series, issued = demo.execute("select series, issued_on from main.fct_diplomas where student_id = ? and "
                                  "number = ?", [student, number]).fetchone()
    assert shown["Диплом"] == f"{series} № {number} ({issued:%d.%m.%Y} берілген)"  # the duplicate, the latest
    supplement = demo.execute("select series, number from main.fct_diplomas where student_id = ? and "
                              "kind = 'supplement'", [student]).fetchone()
    assert shown["Қосымша"].startswith(f"{supplement[0]} № {supplement[1]} ")
    text = pdf_text(export.render(doc, "pdf", params, None))
    assert "Дипломға қосымша" in text and number in text


def test_supplement_is_refused_for_a_student_who_has_not_graduated(demo) -> None:
    student = demo.execute("select student_id from main.dim_students where status = 'active' "
                           "order by student_id limit 1").fetchone()[0]
    with pytest.raises(ReportError, match=rf"--student: {student} has not graduated \(status now: Studying\)"):
        diploma_supplement.build(demo, ReportParams(lang="en", student=student))


@pytest.mark.usefixtures("dashboard_as_registrar")
def test_a_graduate_s_card_has_the_supplement_button_and_a_student_s_has_none(
        published_demo: Home, demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23, point 9: the Student card's documents include the diploma supplement, for a graduate
    only (for anyone else the button is not there, without a refusal to read)."""
    from streamlit.testing.v1 import AppTest

    from registrar.common.i18n import t
    from registrar.common.paths import PROJECT_DIR

    graduate = demo.execute("select student_id from main.fct_diplomas where not is_duplicate "
                            "order by student_id limit 1").fetchone()[0]
    studying = demo.execute("select student_id from main.dim_students where is_studying "
                            "order by student_id limit 1").fetchone()[0]
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    at = AppTest.from_file(str(PROJECT_DIR / "dashboards" / "app.py"), default_timeout=60)
    at.session_state["lang"] = "ru"
    for student, expected in ((graduate, True), (studying, False)):
        at.session_state["student_id"] = student
        at.run()
        at.switch_page("views/student.py").run()
        assert not at.exception
        labels = {b.key: b.label for b in at.get("download_button") if b.key and b.key.startswith("stu_doc_")}
        assert (labels.get("stu_doc_diploma_supplement") == t("stu_doc_supplement", "ru")) is expected, labels
        assert not any(t("stu_doc_supplement", "ru") in c.value for c in at.caption)


# --- the mini university: no register, refusals, and the planted defects ---------------------------


@pytest.mark.xdist_group("mini_refresh")
def test_without_the_optional_files_the_tables_are_empty_and_the_reports_refuse(published_mini: Home,
                                                                               tmp_path: Path) -> None:
    con = duckdb.connect(str(published_mini.warehouse), read_only=True)
    try:
        for table in ("raw.diplomas", "raw.blank_movements", "main.fct_diplomas", "main.fct_blank_numbers"):
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == 0, table
        files = json.loads(con.execute("select files from meta.refresh").fetchone()[0])
        assert not {"diplomas.csv", "blank_movements.csv"} & {f["file"] for f in files}
        with pytest.raises(ReportError, match="no diploma register"):
            diploma_register.build(con, ReportParams(lang="en", year="2024-2025"))
        with pytest.raises(ReportError, match="no journal of blanks"):
            blank_journal.build(con, ReportParams(lang="en", date_from=dt.date(2024, 9, 1),
                                                  date_to=dt.date(2025, 6, 1)))
    finally:
        con.close()
    env = {**os.environ, "REGISTRAR_HOME": str(published_mini.root)}
    done = subprocess.run([sys.executable, "-m", "registrar.cli", "report", "diploma_supplement", "--student",
                           "S0001", "--format", "pdf", "--out", str(tmp_path / "never.pdf")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "S0001 has not graduated (status now: Studying)" in done.stderr
    assert list(tmp_path.iterdir()) == []


DIPLOMAS = """student_id,kind,series,number,issued_on,honours,duplicate_of
S0001,diploma,ЖБ-Б,0000005,2025-06-01,false,
S0001,diploma,ЖБ-Б,0000006,2025-06-05,false,0000005
S0003,diploma,ЖБ-Б,0000005,2025-06-02,false,
S0004,diploma,ЖБ-Б,0000050,2025-06-03,true,
"""
BLANKS = """kind,series,number_from,number_to,movement,moved_on,document
diploma,ЖБ-Б,0000001,0000010,received,2025-05-15,ЖҚ-1
"""


@pytest.mark.xdist_group("mini_refresh")
def test_the_register_s_checks_stop_the_refresh_and_name_their_rows(mini_dir: Path, tmp_path: Path,
                                                                     published_mini: Home) -> None:
    # planted: number 5 in two documents (S0001's duplicate on number 6 replaces it and is not a second use),
    # number 50 never received, no holder graduated, and an honours diploma nobody earned
    (mini_dir / "diplomas.csv").write_text(DIPLOMAS, encoding="utf-8")
    (mini_dir / "blank_movements.csv").write_text(BLANKS, encoding="utf-8")
    home = Home(tmp_path / "home")
    home.root.mkdir()
    for name in ("warehouse.duckdb", "quality_report.json", "last_refresh.json"):
        (home.root / name).write_bytes((published_mini.root / name).read_bytes())
    served = file_digest(home.warehouse)

    with pytest.raises(RefreshFailed) as failed:
        refresh(mini_dir, home, quiet)

    assert failed.value.step == "dbt build"
    assert file_digest(home.warehouse) == served
    last = json.loads(home.last_refresh.read_text(encoding="utf-8"))
    checks = {c["name"]: c for c in last["failing_checks"]}
    ranges = checks["assert_diplomas_numbers_within_received_ranges"]
    assert (ranges["status"], ranges["tier"]) == ("fail", "integrity")
    assert [r["number_value"] for r in ranges["failing_sample"]] == [50]
    twice = checks["assert_diplomas_blank_numbers_used_once"]
    assert twice["status"] == "fail"
    assert [(r["number_value"], r["n_documents"]) for r in twice["failing_sample"]] == [(5, 2)]
    graduated = checks["assert_diplomas_holders_graduated"]
    assert graduated["status"] == "fail"
    assert sorted({r["student_id"] for r in graduated["failing_sample"]}) == ["S0001", "S0003", "S0004"]
    honours = checks["assert_diplomas_honours_meet_the_rule"]
    assert (honours["status"], honours["severity"], honours["tier"]) == ("warn", "warn", "values")
    assert [r["student_id"] for r in honours["failing_sample"]] == ["S0004"]
    assert {n for n, c in checks.items() if c["status"] == "fail"} == {
        "assert_diplomas_numbers_within_received_ranges", "assert_diplomas_blank_numbers_used_once",
        "assert_diplomas_holders_graduated"}
