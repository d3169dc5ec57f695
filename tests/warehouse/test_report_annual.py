"""The Academic Council's annual report (issue 18, docs/rules.md B33) on the shared demo university
(published_demo): the census headcounts, the movement counts and one faculty's success and quality
against independent queries on the marts; a year the warehouse lacks refused; the PDF names the year
and carries its charts (their titles and filled bars)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import duckdb
import pytest
from pypdf import PdfReader

from registrar.common.i18n import t
from registrar.common.paths import Home
from registrar.reports import catalog, export, params
from registrar.reports.base import ReportError, ReportParams
from registrar.reports.library import annual_report

pytestmark = pytest.mark.xdist_group("dashboards")

YEAR = "2024-2025"


@pytest.fixture(scope="module")
def con(published_demo: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(published_demo.warehouse), read_only=True)
    yield connection
    connection.close()


def by_key(frame, key: str, value_key: str) -> dict:
    return dict(zip(frame[t(key, "en")], frame[t(value_key, "en")], strict=True))


def test_census_headcounts_by_faculty(con: duckdb.DuckDBPyConnection) -> None:
    doc = annual_report.build(con, ReportParams(lang="en", year=YEAR))
    frame = doc.sections[0].frame
    expected = {}
    for day, key in (("2024-10-01", "lists_ar_headcount"), ("2023-10-01", "lists_ar_previous_headcount")):
        counts = dict(con.execute(
            "select faculty_code, sum(headcount) from main.fct_contingent_monthly where snapshot_date = ?::date "
            "group by 1", [day]).fetchall())
        expected[key] = counts
        got = {k: v for k, v in by_key(frame, "lists_code_of_faculty", key).items() if v == v}
        assert got == counts
    assert sum(expected["lists_ar_headcount"].values()) == con.execute(
        "select headcount from main.fct_census_dates where snapshot_date = '2024-10-01'").fetchone()[0]


def test_movement_counts_of_the_year(con: duckdb.DuckDBPyConnection) -> None:
    doc = annual_report.build(con, ReportParams(lang="en", year=YEAR))
    start, end = con.execute("select min(starts_on), max(ends_on) from main.dim_terms where academic_year = ?",
                             [YEAR]).fetchone()
    nxt = con.execute("select min(starts_on) from main.dim_terms where academic_year_start = 2025").fetchone()[0]
    counts = dict(con.execute(
        "select movement_label_en, count(*) from main.fct_contingent_movements where not is_before_entry "
        "and effective_date >= ? and effective_date < ? group by 1",
        [start, nxt or end]).fetchall()) if nxt else dict(con.execute(
        "select movement_label_en, count(*) from main.fct_contingent_movements where not is_before_entry "
        "and effective_date between ? and ? group by 1", [start, end]).fetchall())
    assert counts and by_key(doc.sections[1].frame, "lists_movement", "lists_ar_n_movements") == counts
    reasons = doc.sections[2].frame
    assert reasons[t("lists_ar_n_movements", "en")].sum() == doc.sections[1].frame[t("lists_ar_n_outflow", "en")].sum()


def test_success_and_quality_of_one_faculty(con: duckdb.DuckDBPyConnection) -> None:
    doc = annual_report.build(con, ReportParams(lang="en", year=YEAR))
    faculty = con.execute("select faculty_code from main.dim_faculties order by 1").fetchone()[0]
    # fct_attestation_results (the same sessions summed over course, form and language): quality =
    # excellent + good results, the traditional grades that count as quality
    graded, passed, quality = con.execute("""
        select sum(r.n_graded), sum(r.n_passed), sum(r.n_excellent + r.n_good)
        from main.fct_attestation_results as r join main.dim_terms as d using (academic_year, term)
        where r.academic_year = ? and d.is_regular_semester and r.faculty_code = ?
    """, [YEAR, faculty]).fetchone()
    frame = doc.sections[5].frame
    row = frame[frame[t("lists_code_of_faculty", "en")] == faculty].iloc[0]
    assert graded and row[t("lists_ar_n_graded", "en")] == graded
    assert row[t("lists_ar_success_rate", "en")] == pytest.approx(round(passed / graded, 4))
    assert row[t("lists_ar_quality_rate", "en")] == pytest.approx(round(quality / graded, 4))


def test_gpa_bands_and_retention_add_up(con: duckdb.DuckDBPyConnection) -> None:
    doc = annual_report.build(con, ReportParams(lang="en", year=YEAR))
    gpa = doc.sections[4].frame[t("lists_ar_n_students", "en")]
    studying = con.execute("""
        select count(*) from main.fct_student_terms s
        join main.fct_student_term_standing st using (student_id, term_seq)
        join reference.contingent_statuses c on st.status = c.status
        where s.academic_year = ? and s.term = '2' and c.is_studying and s.cumulative_gpa is not null
    """, [YEAR]).fetchone()[0]
    assert studying and gpa.sum() == studying
    retention = doc.sections[6].frame
    assert (retention[t("lists_ar_cohort_size", "en")] > 0).all()


def test_a_year_the_warehouse_lacks_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    report = catalog.get("annual_report")
    for refuse in (lambda: params.parse(report, con, year="2010-2011"),
                   lambda: report.build(con, ReportParams(lang="en", year="2010-2011"))):
        with pytest.raises(ReportError, match="no terms of 2010-2011"):
            refuse()


def test_the_pdf_names_the_year_and_draws_its_charts(con: duckdb.DuckDBPyConnection) -> None:
    doc = annual_report.build(con, ReportParams(lang="ru", year=YEAR))
    assert sum(len(s.charts) for s in doc.sections) == 3
    data = export.render(doc, "pdf", ReportParams(lang="ru", year=YEAR), None)
    pages = PdfReader(io.BytesIO(data)).pages
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in pages))
    assert YEAR in text
    for key in ("lists_ar_chart_contingent", "lists_ar_chart_gpa", "lists_ar_chart_attestation"):
        assert re.sub(r"\s+", " ", t(key, "ru")) in text
    content = b"".join(page.get_contents().get_data() for page in pages)
    assert re.search(rb"re\s+f\b", content)  # filled rectangles: the bars
    csv = export.render(doc, "csv", ReportParams(lang="ru", year=YEAR), None)
    assert t("lists_ar_chart_gpa", "ru").encode() not in csv  # the CSV holds the tables only
