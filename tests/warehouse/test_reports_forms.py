"""The census reports in the shape of forms 3-НК and 1-НК (rules B20) on a real published warehouse:
cells against independent counts on the marts, the refusal of a date that is not a census date, the
labels in each language, and a column added to the layout seed showing up with no code change."""

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

from demo import write_demo
from policy import dbt_vars, seed_rows
from registrar.common.paths import PROJECT_DIR, Home
from registrar.pipeline.dbt import dbt_executable
from registrar.pipeline.refresh import refresh
from registrar.reports import export
from registrar.reports.base import ReportDocument, ReportError, ReportParams
from registrar.reports.library.stat_forms import REPORTS, census_dates
from tests.support.extracts import quiet

pytestmark = pytest.mark.xdist_group("reports_forms")

FORMS = {report.name: report for report in REPORTS}
# The census-date headcount of a level, the way the rules define it (B10): the periods in force that day.
IN_FORCE = "h.valid_from <= ? and (h.valid_to > ? or h.valid_to is null)"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    root = tmp_path_factory.mktemp("forms")
    write_demo(root / "extracts", students=400, years=3, seed=5)
    published = Home(root / "home")
    refresh(root / "extracts", published, quiet)
    return published


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
    assert doc.parameters[0][1] == f"{day:%Y-%m-%d}"
    total = layout_label("3nk", "headcount", "row", "01", "en")
    bachelor = "p.level = 'bachelor'"
    assert cell(doc, 0, total, "1") == headcount(con, day, bachelor, []) > 50
    assert cell(doc, 0, total, "2") == headcount(con, day, f"{bachelor} and s.gender = 'F'", []) > 0
    assert cell(doc, 0, total, "3") == headcount(con, day, f"{bachelor} and h.funding = 'state_grant'", []) > 0
    domestic = dbt_vars()["domestic_citizenship"]
    assert cell(doc, 0, total, "10") == headcount(con, day, f"{bachelor} and s.citizenship != ?", [domestic])
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
    assert frame.loc[frame.iloc[:, 0] == "03", column(doc, 0, "1")].sum() == cell(doc, 0, total, "1")
    # on academic leave that day, beside the headcount
    leave = con.execute(
        f"""select count(*) from main.fct_student_status_history as h
            join main.dim_programs as p on h.program_code = p.program_code
            where h.status = 'academic_leave' and {IN_FORCE} and p.level = 'bachelor'""", [day, day]).fetchone()[0]
    assert cell(doc, 0, total, "11") == leave


def test_3nk_movement_cells_equal_the_order_lines_of_the_census_year(con) -> None:
    day = census_dates(con, "3nk")[-1]
    doc = FORMS["stat_form_3nk"].build(con, ReportParams(lang="ru", as_of=day))
    total = layout_label("3nk", "movement", "row", "01", "ru")
    bachelor = "p.level = 'bachelor'"
    assert cell(doc, 1, total, "1") == movements(con, day, f"{bachelor} and m.movement = 'admission'", []) > 0
    assert cell(doc, 1, total, "3") == movements(con, day, f"{bachelor} and m.movement = 'graduation'", []) > 0
    assert cell(doc, 1, total, "4") == movements(con, day, f"{bachelor} and m.movement = 'expulsion'", []) > 0
    by_reason = [cell(doc, 1, total, code) for code in ("5", "6", "7", "8", "9")]
    assert by_reason[1] == movements(
        con, day, f"{bachelor} and m.movement = 'expulsion' and m.reason = 'academic_failure'", [])
    assert sum(by_reason) == cell(doc, 1, total, "4")


def test_1nk_counts_master_and_doctoral_students_only(con) -> None:
    day = census_dates(con, "1nk")[-1]
    doc = FORMS["stat_form_1nk"].build(con, ReportParams(lang="en", as_of=day))
    total = layout_label("1nk", "headcount", "row", "01", "en")
    expected = headcount(con, day, "p.level in ('master', 'doctorate')", [])
    assert cell(doc, 0, total, "1") == expected > 0
    levels = doc.sections[0].frame
    level_rows = levels.loc[levels.iloc[:, 0] == "05"]
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
        assert [s.heading for s in doc.sections] == [
            layout_label("3nk", "headcount", "part", "1", lang), layout_label("3nk", "movement", "part", "2", lang)]
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
    """The files the exporter writes: the XLSX keeps the counts as numbers under the seed's headers,
    the PDF shows the Kazakh labels and the totals."""
    import io

    import openpyxl
    from pypdf import PdfReader

    day = census_dates(con, "3nk")[-1]
    params = ReportParams(lang="kk", as_of=day)
    doc = FORMS["stat_form_3nk"].build(con, params)
    expected_total = headcount(con, day, "p.level = 'bachelor'", [])
    women = headcount(con, day, "p.level = 'bachelor' and s.gender = 'F'", [])

    ws = openpyxl.load_workbook(io.BytesIO(export.render(doc, "xlsx", params, None))).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(cells) if row[0] == "№")
    names = cells[header]
    total_row = dict(zip(names, cells[header + 1], strict=True))
    assert total_row[column(doc, 0, "1")] == expected_total
    assert total_row[column(doc, 0, "2")] == women
    assert isinstance(total_row[column(doc, 0, "1")], int)

    reader = PdfReader(io.BytesIO(export.render(doc, "pdf", params, None)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert layout_label("3nk", "headcount", "part", "1", "kk") in text
    assert f"{day:%Y-%m-%d}" in text
    assert f"{expected_total} {women} " in text  # the total row, first two columns
