"""The census reports in the shape of forms 3-НК and 1-НК (rules B20) on a real published warehouse:
cells against independent counts on the marts, the refusal of a date that is not a census date, the
labels in each language, a column added to the layout seed showing up with no code change, and the forms
as the office files them (issue 18 §3, issue 23 point 11): study forms, funding sources, programme group
x course, the forms' age bands, the basis of admission, unique line codes, the header, a sheet per part,
and PDF headers that wrap between words."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from policy import dbt_vars, seed_rows
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from registrar.pipeline.dbt import dbt_executable
from registrar.reports import export
from registrar.reports.base import ReportDocument, ReportError, ReportParams
from registrar.reports.library.stat_forms import REPORTS, census_dates
from tests.support.homes import DASHBOARD_DEMO, copy_home, demo_once

pytestmark = pytest.mark.xdist_group("reports_forms")

FORMS = {report.name: report for report in REPORTS}
# The census-date headcount of a level, the way the rules define it (B10): the periods in force that day.
IN_FORCE = "h.valid_from <= ? and (h.valid_to > ? or h.valid_to is null)"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A copy of the shared demo's refresh, built once per session (tests/support/homes.py DASHBOARD_DEMO,
    as tests/conftest.py published_demo: one build serves both)."""
    built = demo_once(tmp_path_factory, **DASHBOARD_DEMO)
    return copy_home(built, tmp_path_factory.mktemp("forms") / "home")


@pytest.fixture(scope="module")
def con(home: Home) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(home.warehouse), read_only=True)
    yield connection
    connection.close()


def layout_label(form: str, part: str, axis: str, code: str, lang: str) -> str:
    """A label of the layout seed as the registrar wrote it."""
    (row,) = [r for r in seed_rows(f"stat_form_{form}_layout")
              if (r["part"], r["axis"], r["code"]) == (part, axis, code)]
    return row[f"label_{lang}"]


def column(doc: ReportDocument, part_index: int, code: str) -> str:
    """The header of the column with layout code `code` in a part's table."""
    (header,) = [h for h in doc.sections[part_index].frame.columns if h.startswith(f"{code}. ")]
    return header


def part_index(doc: ReportDocument, form: str, part: str, lang: str = "en") -> int:
    """The position of a part (by its layout key) among the document's sections."""
    return [s.heading for s in doc.sections].index(layout_label(form, part, "part", layout_code(form, part), lang))


def layout_code(form: str, part: str) -> str:
    (row,) = [r for r in seed_rows(f"stat_form_{form}_layout") if (r["part"], r["axis"]) == (part, "part")]
    return row["code"]


def cell(doc: ReportDocument, part_index: int, row_label: str, code: str) -> int:
    frame = doc.sections[part_index].frame
    (value,) = frame.loc[frame.iloc[:, 1] == row_label, column(doc, part_index, code)]
    return int(value)


def headcount(con: duckdb.DuckDBPyConnection, day: dt.date, where: str, args: list[object]) -> int:
    """Students in the headcount on `day` meeting `where`, straight from the status history."""
    return con.execute(
        f"""
        select count(*) from main.fct_student_status_history as h
        inner join main.dim_students as s on h.student_id = s.student_id
        left join main.dim_programs as p on h.program_code = p.program_code
        where h.counts_in_headcount and {IN_FORCE} and {where}
        """,  # noqa: S608 - `where` is written by the tests
        [day, day, *args],
    ).fetchone()[0]


def movements(con: duckdb.DuckDBPyConnection, day: dt.date, where: str, args: list[object]) -> int:
    """Order lines effective in the census year up to `day` meeting `where`."""
    return con.execute(
        f"""
        select count(*) from main.fct_contingent_movements as m
        left join main.dim_programs as p on coalesce(m.program_code_after, m.program_code_before) = p.program_code
        where not m.is_before_entry and m.effective_date > ? - interval 1 year and m.effective_date <= ?
          and {where}
        """,  # noqa: S608 - `where` is written by the tests
        [day, day, *args],
    ).fetchone()[0]


def test_census_dates_are_the_census_month_day_of_each_year(con) -> None:
    month, day = (int(x) for x in str(dbt_vars()["census_month_day"]).split("-"))
    dates = census_dates(con, "3nk")
    assert len(dates) >= 3
    assert all((d.month, d.day) == (month, day) for d in dates)
    assert [d.year for d in dates] == list(range(dates[0].year, dates[-1].year + 1))


def test_3nk_headcount_cells_equal_counts_on_the_status_history(con) -> None:
    day = census_dates(con, "3nk")[-1]
    doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang="en"))  # default: the latest census date
    assert doc.parameters[0][1] == day  # a date, written as a date cell and DD.MM.YYYY
    total = layout_label("3nk", "headcount", "row", "01", "en")
    bachelor = "p.level = 'bachelor'"
    assert cell(doc, 0, total, "1") == headcount(con, day, bachelor, []) > 50
    assert cell(doc, 0, total, "2") == headcount(con, day, f"{bachelor} and s.gender = 'F'", []) > 0
    # every form of study in a column of its own
    for code, form in (("3", "full_time"), ("4", "part_time"), ("5", "evening"), ("6", "distance")):
        assert cell(doc, 0, total, code) == headcount(con, day, f"{bachelor} and h.study_form = ?", [form])
    assert sum(cell(doc, 0, total, code) for code in "3456") == cell(doc, 0, total, "1")
    mobility = con.execute(
        f"""select count(*) from main.fct_student_status_history as h
            join main.dim_programs as p on h.program_code = p.program_code
            where h.status = 'mobility_out' and {IN_FORCE} and p.level = 'bachelor'""", [day, day]).fetchone()[0]
    assert cell(doc, 0, total, "7") == mobility
    domestic = dbt_vars()["domestic_citizenship"]
    assert cell(doc, 0, total, "8") == headcount(con, day, f"{bachelor} and s.citizenship != ?", [domestic])
    # one row per programme: the largest one, by its label from dim_programs
    program, name = con.execute(
        f"""select h.program_code, any_value(p.name_en) from main.fct_student_status_history as h
            join main.dim_programs as p on h.program_code = p.program_code
            where h.counts_in_headcount and {IN_FORCE} and p.level = 'bachelor'
            group by 1 order by count(*) desc, 1 limit 1""", [day, day]).fetchone()
    row = f"{layout_label('3nk', 'headcount', 'row', '03', 'en')}: {program} {name}"
    assert cell(doc, 0, row, "1") == headcount(con, day, "h.program_code = ?", [program]) > 0
    # the rows of a `*` line add up to the total
    frame = doc.sections[0].frame
    assert frame.loc[frame.iloc[:, 0].str.startswith("03."), column(doc, 0, "1")].sum() == cell(doc, 0, total, "1")
    # on academic leave that day, beside the headcount
    leave = con.execute(
        f"""select count(*) from main.fct_student_status_history as h
            join main.dim_programs as p on h.program_code = p.program_code
            where h.status = 'academic_leave' and {IN_FORCE} and p.level = 'bachelor'""", [day, day]).fetchone()[0]
    assert cell(doc, 0, total, "9") == leave


def test_3nk_movement_cells_equal_the_order_lines_of_the_census_year(con) -> None:
    day = census_dates(con, "3nk")[-1]
    doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang="ru", as_of=day))
    arrivals, departures = part_index(doc, "3nk", "arrivals", "ru"), part_index(doc, "3nk", "departures", "ru")
    total = layout_label("3nk", "arrivals", "row", "01", "ru")
    bachelor = "p.level = 'bachelor'"
    for code, movement in (("1", "admission"), ("3", "transfer_in"), ("4", "readmission"),
                           ("5", "return_from_leave"), ("6", "mobility_return")):
        assert cell(doc, arrivals, total, code) == movements(con, day, f"{bachelor} and m.movement = ?", [movement])
    assert cell(doc, arrivals, total, "1") > 0
    for code, movement in (("1", "graduation"), ("2", "expulsion"), ("8", "academic_leave"), ("9", "mobility_out")):
        assert cell(doc, departures, total, code) == movements(con, day, f"{bachelor} and m.movement = ?", [movement])
    assert cell(doc, departures, total, "1") > 0 and cell(doc, departures, total, "2") > 0
    by_reason = [cell(doc, departures, total, code) for code in ("3", "4", "5", "6", "7")]
    assert by_reason[1] == movements(
        con, day, f"{bachelor} and m.movement = 'expulsion' and m.reason = 'academic_failure'", [])
    assert sum(by_reason) == cell(doc, departures, total, "2")


def test_1nk_counts_master_and_doctoral_students_only(con) -> None:
    day = census_dates(con, "1nk")[-1]
    doc = FORMS["stat_form_1nk"].build(con, ReportParams(lang="en", as_of=day))
    total = layout_label("1nk", "headcount", "row", "01", "en")
    expected = headcount(con, day, "p.level in ('master', 'doctorate')", [])
    assert cell(doc, 0, total, "1") == expected > 0
    levels = doc.sections[0].frame
    level_rows = levels.loc[levels.iloc[:, 0].str.startswith("05.")]
    assert sorted(level_rows.iloc[:, 1]) == ["Level: Doctorate", "Level: Master's"]
    assert level_rows[column(doc, 0, "1")].sum() == expected


def test_a_date_that_is_not_a_census_date_is_refused_naming_the_census_dates(con) -> None:
    dates = census_dates(con, "3nk")
    with pytest.raises(ReportError) as refused:
        FORMS["stat_form_3nk"].build(con, ReportParams(lang="en", as_of=dates[-1] - dt.timedelta(days=1)))
    message = str(refused.value)
    assert f"{dates[-1] - dt.timedelta(days=1):%Y-%m-%d} is not a census date" in message
    assert all(f"{d:%Y-%m-%d}" in message for d in dates)


def test_labels_come_from_the_layout_seed_in_the_chosen_language(con) -> None:
    for lang in ("kk", "ru", "en"):
        doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang=lang))
        parts = sorted((r for r in seed_rows("stat_form_3nk_layout") if r["axis"] == "part"),
                       key=lambda r: int(r["sort_order"]))
        assert [s.heading for s in doc.sections] == [r[f"label_{lang}"] for r in parts]
        assert column(doc, 0, "2") == f"2. {layout_label('3nk', 'headcount', 'column', '2', lang)}"
        assert doc.sections[0].frame.iloc[0, 1] == layout_label("3nk", "headcount", "row", "01", lang)
        assert all(pd.api.types.is_integer_dtype(doc.sections[0].frame[h])
                   for h in doc.sections[0].frame.columns[2:])


def test_faculties_add_up_to_the_university(con) -> None:
    day = census_dates(con, "3nk")[-1]
    whole = FORMS["stat_form_3nk"].build(con, ReportParams(lang="en", as_of=day))
    total = layout_label("3nk", "headcount", "row", "01", "en")
    faculties = [f for (f,) in con.execute("select faculty_code from main.dim_faculties order by 1").fetchall()]
    parts = []
    for faculty in faculties:
        try:
            doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang="en", as_of=day, faculty=faculty))
        except ReportError:
            continue  # a faculty with no bachelor students
        assert doc.file_stem == f"stat_form_3nk_{faculty}_{day:%Y-%m-%d}"
        parts.append(cell(doc, 0, total, "1"))
    assert len(parts) >= 2
    assert sum(parts) == cell(whole, 0, total, "1")


def _copy_project(root: Path, home: Home) -> tuple[Path, Path]:
    """A copy of the dbt project and of the published warehouse, to edit and rebuild."""
    project = _mkdir(root / "project")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_DIR / name, project / name)
    for folder in ("models", "macros", "seeds", "tests/dbt"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    # the same basename: the warehouse's views name their catalog after the file
    database = _mkdir(root / "build") / home.warehouse.name
    shutil.copy2(home.warehouse, database)
    return project, database


def _build_copy(project: Path, database: Path, run_dir: Path) -> subprocess.CompletedProcess[str]:
    """`dbt build` of the layout seed and everything downstream (the form model and its tests), in a
    copy of the project."""
    env = {**os.environ, "REGISTRAR_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(
        [dbt_executable(), "--no-use-colors", "build", "--select", "stat_form_3nk_layout+",
         "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(run_dir / "target"), "--log-path", str(run_dir / "logs")],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )


def test_a_column_added_to_the_layout_seed_shows_with_no_code_change(home: Home, tmp_path: Path) -> None:
    """The registrar adds one line to seeds/stat_form_3nk_layout.csv in a copy of the dbt project; the
    real dbt build of that seed and its dependants (the form model and its tests) over a copy of the
    published warehouse gives the new column, which this module's unchanged `build` then shows."""
    project, database = _copy_project(tmp_path, home)
    labels = {"kk": "Мемлекеттік грант (әйелдер)", "ru": "Государственный грант (женщины)",
              "en": "State grant (women)"}
    with (project / "seeds" / "stat_form_3nk_layout.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(
            ["headcount", "column", "12", "12", labels["kk"], labels["ru"], labels["en"],
             "in_headcount=true; gender=F; funding=state_grant", ""])
    before = duckdb.connect(str(database), read_only=True)
    try:
        old = FORMS["stat_form_3nk"].build(before, ReportParams(lang="en"))
    finally:
        before.close()
    assert not [h for h in old.sections[0].frame.columns if h.startswith("12. ")]

    built = _build_copy(project, database, tmp_path / "run")
    assert built.returncode == 0, built.stdout[-3000:]

    after = duckdb.connect(str(database), read_only=True)
    try:
        day = census_dates(after, "3nk")[-1]
        expected = headcount(after, day, "p.level = 'bachelor' and s.gender = 'F' and h.funding = 'state_grant'", [])
        for lang in ("kk", "ru", "en"):
            doc = FORMS["stat_form_3nk"].build(after, ReportParams(lang=lang, as_of=day))
            assert doc.sections[0].frame.columns[-1] == f"12. {labels[lang]}"
            assert cell(doc, 0, layout_label("3nk", "headcount", "row", "01", lang), "12") == expected > 0
        # the other columns are as before
        assert doc.sections[0].frame.iloc[:, :-1].equals(old.sections[0].frame)
    finally:
        after.close()


def test_the_dbt_tests_stop_a_layout_whose_total_or_dimension_is_wrong(home: Home, tmp_path: Path) -> None:
    """A total row that filters (gender=F) no longer equals the marts, and a misspelt dimension (gendr)
    matches nobody: the values and configuration tests of the layouts fail and name themselves."""
    project, database = _copy_project(tmp_path, home)
    seed = project / "seeds" / "stat_form_3nk_layout.csv"
    with seed.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if (row["part"], row["axis"], row["mart_total"]) == ("headcount", "row", "total"):
            row["filter"] = "gender=F"
        if (row["part"], row["axis"], row["code"]) == ("headcount", "column", "2"):
            row["filter"] = row["filter"].replace("gender=", "gendr=")
    with seed.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    built = _build_copy(project, database, tmp_path / "run")
    assert built.returncode != 0
    failed = [line for line in built.stdout.splitlines() if " FAIL " in line]
    assert any("assert_stat_form_totals_match_contingent_marts" in line for line in failed), built.stdout[-3000:]
    assert any("assert_stat_form_layouts_name_known_dimensions" in line for line in failed), built.stdout[-3000:]


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_the_written_xlsx_and_pdf_hold_the_form(con) -> None:
    """The files the exporter writes: the XLSX a title sheet with the header (the census date a date
    cell), then a sheet per part with the column codes in row 1, the row codes in column A and the counts
    as numbers; the PDF shows the Kazakh labels, the census date as DD.MM.YYYY and the totals."""
    import io

    import openpyxl

    from policy import settings
    from tests.support.pdf import pdf_text

    day = census_dates(con, "3nk")[-1]
    params = ReportParams(lang="kk", as_of=day)
    doc = FORMS["stat_form_3nk"].build(con, params)
    expected_total = headcount(con, day, "p.level = 'bachelor'", [])
    women = headcount(con, day, "p.level = 'bachelor' and s.gender = 'F'", [])

    wb = openpyxl.load_workbook(io.BytesIO(export.render(doc, "xlsx", params, None)))
    assert len(wb.worksheets) == 1 + len(doc.sections)
    title = {row[0].value: row[1] for row in wb.worksheets[0].iter_rows(min_row=2) if row[0].value}
    census = title[t("stat_form_census_date", "kk")]
    assert census.value == dt.datetime(day.year, day.month, day.day) and census.number_format == "DD.MM.YYYY"
    assert title[t("stat_form_bin", "kk")].value == settings()["university_bin"]
    assert title[t("stat_form_phone", "kk")].value == settings()["stat_form_phone"]
    ws = wb.worksheets[1]
    assert ws.oddHeader.center.text == layout_label("3nk", "headcount", "part", "1", "kk")
    codes = [c.value for c in ws[1]]
    assert codes[:5] == [t("stat_form_code_a", "kk"), t("stat_form_code_b", "kk"), "1", "2", "3"]
    assert ws["A3"].value == "01" and ws["B3"].value == layout_label("3nk", "headcount", "row", "01", "kk")
    assert ws["C3"].value == expected_total and isinstance(ws["C3"].value, int) and ws["D3"].value == women

    text = pdf_text(export.render(doc, "pdf", params, None))
    assert layout_label("3nk", "headcount", "part", "1", "kk") in text
    assert f"{day:%d.%m.%Y}" in text and f"{day:%Y-%m-%d}" not in text
    assert f"01 {layout_label('3nk', 'headcount', 'row', '01', 'kk')} {expected_total} {women} " in text


def test_every_row_of_a_part_has_a_code_of_its_own(con) -> None:
    for form in ("3nk", "1nk"):
        doc = FORMS[f"stat_form_{form}"].build(con, ReportParams(lang="kk"))
        for section in doc.sections:
            row_codes = list(section.frame.iloc[:, 0])
            assert len(row_codes) == len(set(row_codes)), (form, section.heading)
            assert len(section.column_codes) == len(set(section.column_codes)) == section.frame.shape[1]


def test_funding_sources_split_state_grants_and_paid_places(con) -> None:
    """Part 2: the state-grant and paid columns are the fundings with and without is_state_grant (seed
    fundings), each split into its sources, and together they are every student."""
    day = census_dates(con, "3nk")[-1]
    doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang="en", as_of=day))
    funding = part_index(doc, "3nk", "funding")
    total = layout_label("3nk", "funding", "row", "01", "en")
    bachelor = "p.level = 'bachelor'"
    grant = f"{bachelor} and h.funding in (select funding from reference.fundings where is_state_grant)"
    assert cell(doc, funding, total, "2") == headcount(con, day, grant, []) > 0
    for code, source in (("3", "state_grant"), ("4", "local_grant"), ("6", "paid"), ("7", "employer_paid")):
        assert cell(doc, funding, total, code) == headcount(con, day, f"{bachelor} and h.funding = ?", [source]) > 0
    assert cell(doc, funding, total, "3") + cell(doc, funding, total, "4") == cell(doc, funding, total, "2")
    assert cell(doc, funding, total, "6") + cell(doc, funding, total, "7") == cell(doc, funding, total, "5")
    assert cell(doc, funding, total, "2") + cell(doc, funding, total, "5") == cell(doc, funding, total, "1")


def test_programme_groups_by_course(con) -> None:
    day = census_dates(con, "3nk")[-1]
    doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang="en", as_of=day))
    grid = doc.sections[part_index(doc, "3nk", "group_course")]
    courses = [h for h in grid.frame.columns if h.startswith("2.")]
    assert len(courses) >= 4
    group, course, n = con.execute(
        f"""select p.program_group, h.course, count(*) from main.fct_student_status_history as h
            join main.dim_programs as p on h.program_code = p.program_code
            where h.counts_in_headcount and {IN_FORCE} and p.level = 'bachelor'
            group by all order by 3 desc, 1, 2 limit 1""", [day, day]).fetchone()
    label = f"{layout_label('3nk', 'group_course', 'row', '02', 'en')}: {group}"
    course_label = f"{layout_label('3nk', 'group_course', 'column', '2', 'en')}: {course}"
    header = next(h for h in courses if h.endswith(course_label))
    (value,) = grid.frame.loc[grid.frame.iloc[:, 1] == label, header]
    assert value == n > 0
    assert grid.frame[courses].iloc[0].sum() == grid.frame.iloc[0, 2]  # the courses add up to the total


def test_ages_are_the_forms_bands_from_under_18_to_60_and_over(con) -> None:
    """Part 5: the youngest band is "under <first start>" (no band from 0), the top one "<from> and over"
    (vars stat_form_age_band_starts, stat_form_age_top_band_from), counted on the census date."""
    starts, top = dbt_vars()["stat_form_age_band_starts"], dbt_vars()["stat_form_age_top_band_from"]
    day = census_dates(con, "3nk")[-1]
    age = "(year(?) - year(s.birth_date) - case when strftime(?, '%m-%d') < strftime(s.birth_date, '%m-%d') " \
          "then 1 else 0 end)"
    for lang, under, over in (("en", f"under {starts[0]}", f"{top} and over"),
                              ("ru", f"моложе {starts[0]} лет", f"{top} лет и старше")):
        doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang=lang, as_of=day))
        ages = doc.sections[part_index(doc, "3nk", "age", lang)].frame
        labels = list(ages.iloc[1:, 1].str.split(": ").str[-1])
        assert labels[0] == under and "0-17" not in labels
        assert all(not label.startswith("0") for label in labels)
        young = headcount(con, day, f"p.level = 'bachelor' and {age} < ?", [day, day, starts[0]])
        assert ages.iloc[1, 2] == young > 0
        old = headcount(con, day, f"p.level = 'bachelor' and {age} >= ?", [day, day, top])
        assert (ages.iloc[-1, 2] if labels[-1] == over else 0) == old
        assert ages.iloc[1:, 2].sum() == ages.iloc[0, 2]


def test_basis_of_admission_counts_the_students_extract_column(con) -> None:
    day = census_dates(con, "3nk")[-1]
    doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang="en", as_of=day))
    bases = doc.sections[part_index(doc, "3nk", "admission_basis")].frame
    for basis, label in con.execute("select admission_basis, label_en from reference.admission_bases").fetchall():
        expected = headcount(con, day, "p.level = 'bachelor' and s.admission_basis = ?", [basis])
        shown = bases.loc[bases.iloc[:, 1].str.endswith(f": {label}"), bases.columns[2]]
        assert (int(shown.iloc[0]) if len(shown) else 0) == expected
    assert bases.iloc[1:, 2].sum() == bases.iloc[0, 2]


def test_the_pdf_of_each_form_wraps_its_headers_between_words(con) -> None:
    """Rendered and read back: every word of every column header is whole in the text (a header broken
    inside a word would leave its pieces), the census date is DD.MM.YYYY, and no "0-17" band."""
    from registrar.reports.export import render
    from tests.support.pdf import pdf_text

    for form, lang in (("3nk", "kk"), ("1nk", "ru")):
        params = ReportParams(lang=lang)
        doc = FORMS[f"stat_form_{form}"].build(con, params)
        text = pdf_text(render(doc, "pdf", params, None))
        tokens = set(text.split())
        broken = sorted({w for s in doc.sections for h in s.headers[2:] for w in h.split() if w not in tokens})
        assert not broken, (form, broken)
        assert f"{census_dates(con, form)[-1]:%d.%m.%Y}" in text and "0-17" not in text
