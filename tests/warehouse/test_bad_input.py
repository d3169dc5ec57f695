"""Every kind of bad input the contract can break: a clear defect, exit code 1, no publish.

Each case spoils one thing in a copy of the mini university and runs the real
`registrar refresh` against a data directory that already serves a good warehouse.
The report must name the file, row, column and rule, and the served file must stay
byte-for-byte the same.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pytest

from extract.load import load_extracts
from registrar.cli import main
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.extracts import edit_rows, file_digest, read_rows

pytestmark = pytest.mark.xdist_group("bad_input")


@dataclass(frozen=True)
class Case:
    name: str
    spoil: Callable[[Path], None]
    file: str
    row: int | None
    column: str | None
    rule: str


def set_cell(file: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Spoil one cell; `row` counts as a spreadsheet does (header = 1, first data row = 2)."""

    def spoil(d: Path) -> None:
        def fn(rows: list[dict[str, str]]) -> list[dict[str, str]]:
            assert column in rows[row - 2], column
            rows[row - 2][column] = value
            return rows

        edit_rows(d / file, fn)

    return spoil


def drop_column(file: str, column: str) -> Callable[[Path], None]:
    def spoil(d: Path) -> None:
        edit_rows(d / file, lambda rows: [{k: v for k, v in r.items() if k != column} for r in rows])

    return spoil


def duplicate_row(file: str, row: int) -> Callable[[Path], None]:
    """Append a copy of the spreadsheet row `row` at the end of the file."""

    def spoil(d: Path) -> None:
        edit_rows(d / file, lambda rows: [*rows, dict(rows[row - 2])])

    return spoil


def write_bytes(file: str, data: bytes) -> Callable[[Path], None]:
    def spoil(d: Path) -> None:
        (d / file).write_bytes(data)

    return spoil


def truncate_last_row(d: Path) -> None:
    text = (d / "grades.csv").read_text(encoding="utf-8").rstrip("\n")
    (d / "grades.csv").write_text(text[: text.rfind(",", 0, len(text) - 12)] + "\n", encoding="utf-8")


def xlsx_with_title_rows(d: Path) -> None:
    with (d / "teachers.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Оқытушылар тізімі / Список преподавателей"])
    sheet.append([])
    for r in rows:
        sheet.append(r)
    book.save(d / "teachers.xlsx")
    (d / "teachers.csv").unlink()


def corrupt_xlsx(d: Path) -> None:
    (d / "faculties.csv").unlink()
    (d / "faculties.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")


def repeat_header_column(d: Path) -> None:
    """faculties.csv with its name_kk column written twice (a dict row cannot say that)."""
    rows = read_rows(d / "faculties.csv")
    with (d / "faculties.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*rows[0], "name_kk"])
        writer.writerows([*r.values(), r["name_kk"]] for r in rows)


CASES = [
    Case("missing file", lambda d: (d / "grades.csv").unlink(), "grades.csv", None, None, "required file"),
    Case("missing column", drop_column("students.csv", "birth_date"), "students.csv", 1, "birth_date",
         "required column"),
    Case("integer not a number", set_cell("disciplines.csv", 2, "credits", "five"), "disciplines.csv", 2,
         "credits", "type: whole number"),
    Case("decimal not a number", set_cell("grades.csv", 3, "rk1", "abc"), "grades.csv", 3, "rk1", "type: number"),
    Case("impossible date", set_cell("students.csv", 2, "birth_date", "31.02.2005"), "students.csv", 2,
         "birth_date", "type: date"),
    Case("date in an unknown format", set_cell("orders.csv", 4, "order_date", "02/10/2025"), "orders.csv", 4,
         "order_date", "type: date"),
    Case("boolean not true/false", set_cell("disciplines.csv", 4, "counts_in_gpa", "maybe"), "disciplines.csv",
         4, "counts_in_gpa", "type: true or false"),
    Case("exam above 100", set_cell("grades.csv", 2, "exam", "104"), "grades.csv", 2, "exam", "range: 0 to 100"),
    Case("negative midterm", set_cell("grades.csv", 5, "rk2", "-5"), "grades.csv", 5, "rk2", "range: 0 to 100"),
    Case("zero credits", set_cell("disciplines.csv", 3, "credits", "0"), "disciplines.csv", 3, "credits",
         "range: 1 to 60"),
    Case("unknown gender", set_cell("students.csv", 3, "gender", "X"), "students.csv", 3, "gender",
         "allowed values"),
    Case("unknown term", set_cell("grades.csv", 4, "term", "3"), "grades.csv", 4, "term",
         "code not in seed terms (seeds/terms.csv): add a row there, or correct the AIS export"),
    Case("unknown movement", set_cell("orders.csv", 2, "movement", "vacation"), "orders.csv", 2, "movement",
         "code not in seed movement_types (seeds/movement_types.csv): add a row there, or correct the AIS export"),
    Case("unknown funding", set_cell("students.csv", 3, "funding", "grant"), "students.csv", 3, "funding",
         "code not in seed fundings (seeds/fundings.csv): add a row there"),
    Case("unknown funding in an order", set_cell("orders.csv", 2, "funding", "budget"), "orders.csv", 2,
         "funding", "code not in seed fundings (seeds/fundings.csv)"),
    Case("unknown status", set_cell("students.csv", 4, "status", "dropped_out"), "students.csv", 4, "status",
         "code not in seed contingent_statuses (seeds/contingent_statuses.csv): add a row there"),
    Case("unknown form of study", set_cell("orders.csv", 2, "study_form", "online"), "orders.csv", 2,
         "study_form", "code not in seed study_forms (seeds/study_forms.csv)"),
    Case("unknown language of instruction", set_cell("students.csv", 2, "study_language", "de"), "students.csv",
         2, "study_language", "code not in seed study_languages (seeds/study_languages.csv)"),
    Case("unknown level", set_cell("programs.csv", 3, "level", "residency"), "programs.csv", 3, "level",
         "code not in seed study_levels (seeds/study_levels.csv)"),
    Case("birth date after the extract date", set_cell("students.csv", 2, "birth_date", "2031-01-01"),
         "students.csv", 2, "birth_date", "birth_date after the extract date 2025-06-10 (the latest order"),
    Case("birth date too long ago", set_cell("students.csv", 3, "birth_date", "03.02.1890"), "students.csv", 3,
         "birth_date", "older than 100 years on the extract date 2025-06-10"),
    Case("birth date too recent", set_cell("students.csv", 4, "birth_date", "2019-09-01"), "students.csv", 4,
         "birth_date", "younger than 14 years on the extract date 2025-06-10"),
    Case("empty required value", set_cell("students.csv", 4, "last_name", "  "), "students.csv", 4, "last_name",
         "required value"),
    Case("citizenship not ISO alpha-3", set_cell("students.csv", 2, "citizenship", "Kazakhstan"), "students.csv",
         2, "citizenship", "format"),
    Case("IIN of 11 digits", set_cell("students.csv", 3, "iin", "06072260045"), "students.csv", 3, "iin",
         "format"),
    Case("academic year with a slash", set_cell("enrollments.csv", 2, "academic_year", "2024/2025"),
         "enrollments.csv", 2, "academic_year", "format"),
    Case("academic year not consecutive", set_cell("grades.csv", 6, "academic_year", "2024-2026"), "grades.csv",
         6, "academic_year", "academic year"),
    Case("duplicate key", duplicate_row("faculties.csv", 2), "faculties.csv", 4, "faculty_code", "unique key"),
    Case("duplicate composite key", duplicate_row("grades.csv", 3), "grades.csv", 10,
         "student_id, discipline_code, academic_year, term, attempt", "unique key"),
    Case("order for an unknown student", set_cell("orders.csv", 3, "student_id", "S9999"), "orders.csv", 3,
         "student_id", "reference: must exist in students.student_id"),
    Case("programme of an unknown faculty", set_cell("programs.csv", 2, "faculty_code", "XXX"), "programs.csv",
         2, "faculty_code", "reference: must exist in faculties.faculty_code"),
    Case("curriculum with an unknown discipline", set_cell("curriculum.csv", 5, "discipline_code", "NOPE1"),
         "curriculum.csv", 5, "discipline_code", "reference: must exist in disciplines"),
    Case("enrolment with an unknown teacher", set_cell("enrollments.csv", 7, "teacher_id", "T0404"),
         "enrollments.csv", 7, "teacher_id", "reference: must exist in teachers"),
    Case("unreadable encoding", write_bytes("teachers.csv", b"teacher_id,full_name\n\x98\x98\x98,\xff\xfe\n"),
         "teachers.csv", None, None, "unreadable encoding"),
    Case("binary file", write_bytes("calendar.csv", b"\x00\x01\x02\x03" * 10), "calendar.csv", None, None,
         "unreadable encoding"),
    Case("empty file", write_bytes("recognitions.csv", b""), "recognitions.csv", None, None, "empty file"),
    Case("only blank lines", write_bytes("recognitions.csv", b"\n\n  \n"), "recognitions.csv", None, None,
         "empty file"),
    Case("truncated file", truncate_last_row, "grades.csv", 9, None, "row length"),
    Case("XLSX with extra rows above the header", xlsx_with_title_rows, "teachers.xlsx", 1, None, "header row"),
    Case("corrupt XLSX", corrupt_xlsx, "faculties.xlsx", None, None, "unreadable XLSX"),
    Case("column named twice", repeat_header_column, "faculties.csv", 1, "name_kk", "column named twice"),
    Case("calendar term ending before it starts", set_cell("calendar.csv", 3, "ends_on", "2024-08-01"),
         "calendar.csv", 3, "ends_on", "ends_on is not before starts_on"),
]


def matching_line(report: str, case: Case) -> str | None:
    for line in report.splitlines():
        text = line.strip()
        if not text.startswith(case.file) or case.rule not in text:
            continue
        if case.row is not None and f", row {case.row}" not in text:
            continue
        if case.column is not None and f"column '{case.column}'" not in text:
            continue
        return text
    return None


def refresh_cli(extract_dir: Path, home: Home, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    return main(["refresh", str(extract_dir)])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_and_not_published(
    case: Case, mini_dir: Path, published_mini: Home, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = file_digest(published_mini.warehouse)
    case.spoil(mini_dir)
    code = refresh_cli(mini_dir, published_mini, monkeypatch)
    err = capsys.readouterr().err
    assert code == 1
    assert matching_line(err, case), f"no defect line for {case} in:\n{err}"
    assert "nothing was published" in err or "published warehouse is unchanged" in err
    assert file_digest(published_mini.warehouse) == before
    con = duckdb.connect(str(published_mini.warehouse), read_only=True)
    # the mini university's four students (S0004 carries the census-day orders of test_contingent)
    assert con.execute("select count(*) from raw.students").fetchone() == (4,)
    con.close()


def test_all_defects_are_reported_at_once(
    mini_dir: Path, published_mini: Home, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    by_name = {c.name: c for c in CASES}
    chosen = [by_name[n] for n in ("integer not a number", "impossible date", "unknown gender", "unknown term",
                                   "order for an unknown student", "programme of an unknown faculty",
                                   "exam above 100", "unknown movement", "birth date too long ago")]
    for case in chosen:
        case.spoil(mini_dir)
    assert refresh_cli(mini_dir, published_mini, monkeypatch) == 1
    err = capsys.readouterr().err
    for case in chosen:
        assert matching_line(err, case), f"{case.name} missing from:\n{err}"


def test_unknown_extra_columns_only_warn(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_rows(mini_dir / "faculties.csv", lambda rows: [{**r, "x": "1"} for r in rows])
    monkeypatch.setenv("REGISTRAR_HOME", str(tmp_path / "home"))
    assert main(["load", str(mini_dir)]) == 0
    assert "faculties.csv: unknown column(s) ignored: x" in capsys.readouterr().out


def test_many_bad_rows_are_counted_not_all_listed(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def many(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return rows + [{**rows[0], "student_id": f"S{i:05d}", "exam": "150"} for i in range(1000, 1500)]

    edit_rows(mini_dir / "grades.csv", many)
    monkeypatch.setenv("REGISTRAR_HOME", str(tmp_path / "home"))
    assert main(["load", str(mini_dir)]) == 1
    err = capsys.readouterr().err
    assert "grades.csv: range: 0 to 100 — 500" in err
    assert "(and 300 more rows like it)" in err  # 200 listed, the last one standing for 301
    assert os.path.exists(tmp_path / "home")


def test_an_iin_contradicting_birth_date_or_gender_publishes_with_a_kept_warning(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The IIN drives no number and cannot say which value is wrong: a warning, printed and kept."""
    set_cell("students.csv", 2, "iin", "060316500123")(mini_dir)  # birth date 2006-03-15 in the AIS
    set_cell("students.csv", 3, "iin", "060722500456")(mini_dir)  # digit 7 says male; the AIS says F
    home = Home(tmp_path / "home")
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    assert main(["refresh", str(mini_dir)]) == 0
    out = capsys.readouterr().out
    birth = ("warning: students.csv, row 2, column 'iin', value '060316500123 (birth_date 2006-03-15, gender M)': "
             "iin: digits 1-6 are not birth_date as YYMMDD")
    sex = ("warning: students.csv, row 3, column 'iin', value '060722500456 (birth_date 2006-07-22, gender F)': "
           "iin: digit 7 does not give the century of birth_date and the gender")
    assert birth in out and sex in out, out
    report = json.loads(home.quality_report.read_text(encoding="utf-8"))
    kept = {c["message"].split(" (")[0]: c for c in report["checks"] if c["source"] == "contract"
            and c["status"] == "warn"}
    assert kept["iin: digits 1-6 are not birth_date as YYMMDD"]["failing_keys"] == [
        "row 2 | iin | 060316500123 (birth_date 2006-03-15, gender M)"]
    assert kept["iin: digit 7 does not give the century of birth_date and the gender"]["failing_rows"] == 1
    assert all(c["name"] == "extract contract: students.csv" for c in kept.values())


def test_a_code_added_to_its_seed_is_accepted_with_no_code_change(mini_dir: Path, tmp_path: Path) -> None:
    """The contract reads the codes from the seed at run time: a copy of the project whose seed
    terms gains a row accepts that term, through the same (copied, unchanged) Python."""
    set_cell("grades.csv", 2, "term", "winter")(mini_dir)
    refused = load_extracts(mini_dir, duckdb.connect(), tmp_path / "work")
    assert [(d.file, d.row, d.column, d.value) for d in refused.defects] == [("grades.csv", 2, "term", "winter")]
    assert refused.defects[0].rule.startswith("code not in seed terms (seeds/terms.csv)")

    project = tmp_path / "project"
    for package in ("policy", "extract"):
        shutil.copytree(PROJECT_DIR / package, project / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT_DIR / "seeds", project / "seeds")
    shutil.copy(PROJECT_DIR / "dbt_project.yml", project / "dbt_project.yml")
    winter = {"term": "winter", "term_order": "4", "is_regular_semester": "false", "label_kk": "қысқы семестр",
              "label_ru": "зимний семестр", "label_en": "Winter term"}
    edit_rows(project / "seeds" / "terms.csv", lambda rows: [*rows, winter])
    script = (
        "import json, pathlib, sys, duckdb, policy\n"
        "from extract.load import load_extracts\n"
        "r = load_extracts(pathlib.Path(sys.argv[1]), duckdb.connect(), pathlib.Path(sys.argv[2]))\n"
        "print(json.dumps({'project': str(policy.PROJECT_DIR), 'defects': [str(d) for d in r.defects]}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(mini_dir), str(tmp_path / "work2")], cwd=project,
                         env={**os.environ, "PYTHONPATH": str(project)}, capture_output=True, text=True, check=True)
    accepted = json.loads(run.stdout)
    assert accepted == {"project": str(project), "defects": []}
