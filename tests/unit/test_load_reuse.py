"""A nightly load that reuses the published raw table of every file unchanged since then
(`load_extracts(previous=...)`) gives what a full load of the same folder gives: the same defects and
warnings in the same order, the same row counts and extract date, and the same raw tables (rows, types,
order). Each test changes or spoils the folder after it was published, loads it both ways and compares."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pytest

from extract.contract import entity
from extract.load import LoadResult, PreviousLoad, load_extracts
from extract.read import ReadResult, normalise, read_header
from tests.support.extracts import MINI, Row, edit_rows, read_rows
from tests.unit.test_read_equivalence import FILES, KNOWN, generate
from tests.unit.test_read_formats import write_variant

# The published folder holds, besides the mini university: an unknown column in a CSV and in an XLSX
# file (a warning on every load), and a student whose age the row rules judge by the extract date
# (the mini extract's is 2025-06-10): 100 years old then, older than student_age_max (100) from
# 2025-07-01 on. Its IIN no longer gives its birth date nor century: two row-rule warnings on every load.
OLD_STUDENT, BORN = "S0004", "1924-07-01"
LATER_GRADE_SHEET = "2025-07-15"


@dataclass
class Load:
    result: LoadResult
    database: Path
    progress: list[str]

    @property
    def reused(self) -> set[str]:
        return {line.split()[1].rstrip(":") for line in self.progress if line.startswith("  reused ")}


def load(folder: Path, work: Path, previous: PreviousLoad | None = None) -> Load:
    work.mkdir(parents=True)
    database, progress = work / "warehouse.duckdb", []
    con = duckdb.connect(str(database))
    try:
        result = load_extracts(folder, con, work / "normalised", progress.append, previous)
    finally:
        con.close()
    return Load(result, database, progress)


def _to_xlsx(csv_path: Path) -> None:
    rows = read_rows(csv_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for r in rows:
        sheet.append(list(r.values()))
    book.save(csv_path.with_suffix(".xlsx"))
    csv_path.unlink()


def _set(rows: list[Row], key: str, value: str, **changes: str) -> list[Row]:
    hit = [r for r in rows if r[key] == value]
    assert hit, f"no row with {key} {value}"
    for r in hit:
        r.update(changes)
    return rows


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, PreviousLoad]:
    """Tonight's folder (to be changed by the test) and last night's published load of the same files."""
    folder = tmp_path / "extracts"
    shutil.copytree(MINI, folder)
    edit_rows(folder / "calendar.csv", lambda rows: [{**r, "comment": "x"} for r in rows])
    edit_rows(folder / "teachers.csv", lambda rows: [{**r, "room": "101"} for r in rows])
    _to_xlsx(folder / "teachers.csv")
    edit_rows(folder / "students.csv", lambda rows: _set(rows, "student_id", OLD_STUDENT, birth_date=BORN))
    night = load(folder, tmp_path / "published")
    assert night.result.ok, [str(d) for d in night.result.defects]
    assert len(night.result.warnings) == 4, [str(w) for w in night.result.warnings]
    return folder, PreviousLoad(night.database, {f.entity: f.sha256 for f in night.result.files})


def _raw(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str, str]]:
    return con.execute("select table_name, column_name, data_type from information_schema.columns "
                       "where table_catalog = ? and table_schema = 'raw' order by table_name, ordinal_position",
                       [catalog]).fetchall()


def same_as_full(folder: Path, previous: PreviousLoad, work: Path, changed: set[str]) -> LoadResult:
    """Load `folder` in full and with `previous`; assert every file but `changed` was reused and both
    loads give the same; return the full load's result."""
    full, nightly = load(folder, work / "full"), load(folder, work / "nightly", previous)
    assert not full.reused
    assert nightly.reused == {f.path.name for f in full.result.files} - changed
    a, b = full.result, nightly.result
    assert b.defects == a.defects
    assert b.warnings == a.warnings
    assert b.row_counts == a.row_counts
    assert [(f.entity, f.path, f.sha256, f.bytes, f.rows) for f in b.files] == \
        [(f.entity, f.path, f.sha256, f.bytes, f.rows) for f in a.files]
    assert b.extract_date == a.extract_date
    con = duckdb.connect()
    con.execute(f"attach '{full.database}' as f (read_only)")
    con.execute(f"attach '{nightly.database}' as n (read_only)")
    assert _raw(con, "n") == _raw(con, "f")
    for table in sorted({t for t, _, _ in _raw(con, "f")}):
        for x, y in (("f", "n"), ("n", "f")):
            extra = f"select * from {x}.raw.{table} except all select * from {y}.raw.{table}"
            assert con.execute(f"select count(*) from ({extra})").fetchone()[0] == 0, (table, x)
        order = [con.execute(f"select _source_row from {c}.raw.{table}").fetchnumpy()["_source_row"] for c in "fn"]
        assert np.array_equal(*order), table
    con.close()
    return a


def test_a_changed_file_is_loaded_and_every_other_reused(published: tuple[Path, PreviousLoad], tmp_path: Path) -> None:
    folder, previous = published
    edit_rows(folder / "grades.csv", lambda rows: _set(rows, "student_id", "S0001", exam="81"))
    result = same_as_full(folder, previous, tmp_path, {"grades.csv"})
    assert result.ok
    warned = {(w.file, w.rule.split(":")[0]) for w in result.warnings}
    assert warned == {("calendar.csv", "unknown column(s) ignored"), ("teachers.xlsx", "unknown column(s) ignored"),
                      ("students.csv", "iin")}  # of reused files, as a full load gives them


def test_only_the_students_changed_keeps_the_extract_date(published: tuple[Path, PreviousLoad],
                                                           tmp_path: Path) -> None:
    folder, previous = published
    edit_rows(folder / "students.csv", lambda rows: _set(rows, "student_id", "S0001", first_name="Нұрлан Б"))
    result = same_as_full(folder, previous, tmp_path, {"students.csv"})
    assert result.ok and str(result.extract_date) == "2025-06-10"  # from the reused orders and grades


def test_references_between_changed_and_reused_files_are_checked(published: tuple[Path, PreviousLoad],
                                                                 tmp_path: Path) -> None:
    folder, previous = published
    # a changed file naming a discipline the reused disciplines lack; a changed students file without a
    # student the reused enrollments, grades and orders name
    edit_rows(folder / "grades.csv", lambda rows: _set(rows, "discipline_code", "HIS1101", discipline_code="HIS9999"))
    edit_rows(folder / "students.csv", lambda rows: [r for r in rows if r["student_id"] != "S0002"])
    result = same_as_full(folder, previous, tmp_path, {"grades.csv", "students.csv"})
    broken = {(d.file, d.column, d.value) for d in result.defects if d.rule.startswith("reference")}
    assert {("grades.csv", "discipline_code", "HIS9999"), ("enrollments.csv", "student_id", "S0002"),
            ("orders.csv", "student_id", "S0002")} <= broken


def test_row_rules_judge_reused_rows_by_tonight_s_extract_date(published: tuple[Path, PreviousLoad],
                                                              tmp_path: Path) -> None:
    folder, previous = published
    edit_rows(folder / "grades.csv", lambda rows: _set(rows, "student_id", "S0001", graded_on=LATER_GRADE_SHEET))
    result = same_as_full(folder, previous, tmp_path, {"grades.csv"})
    assert str(result.extract_date) == LATER_GRADE_SHEET
    assert [(d.file, d.column, d.value) for d in result.defects if d.rule.startswith("birth_date: older")] == \
        [("students.csv", "birth_date", BORN)]


def test_a_table_the_published_warehouse_lacks_is_loaded_in_full(published: tuple[Path, PreviousLoad],
                                                                 tmp_path: Path) -> None:
    folder, previous = published
    edit_rows(folder / "grades.csv", lambda rows: _set(rows, "student_id", "S0001", exam="81"))
    lacking = tmp_path / "lacking.duckdb"
    shutil.copy(previous.warehouse, lacking)
    with duckdb.connect(str(lacking)) as con:
        con.execute("drop table raw.enrollments")
        con.execute("alter table raw.teachers rename column department to dept")
    same_as_full(folder, PreviousLoad(lacking, previous.sha256), tmp_path / "lacking",
                 {"grades.csv", "enrollments.csv", "teachers.xlsx"})
    unreadable = tmp_path / "not_a_warehouse.duckdb"
    unreadable.write_text("not a database")
    files = {f.name for f in folder.iterdir()}
    same_as_full(folder, PreviousLoad(unreadable, previous.sha256), tmp_path / "unreadable", files)


def _header_of(read: ReadResult) -> tuple:
    """What a reused file's load takes from reading it: its header, how it was read, the header's defects."""
    return (read.columns, read.encoding, read.delimiter,
            [str(d) for d in read.defects if not d.rule.startswith("row length")])


def test_the_header_alone_reads_as_normalise_reads_it(tmp_path: Path) -> None:
    rng = random.Random(9)
    source = tmp_path / "students.csv"
    for i in range(FILES):
        data, how = generate(rng)
        source.write_bytes(data)
        assert _header_of(read_header(source, KNOWN)) == _header_of(normalise(source, tmp_path / "n.csv", KNOWN)), \
            f"file {i} ({how}): {data[:300]!r}"
    for data in (b"\r\n;;\r\n \t\r\n\"\";\" \"\r\nStudent_ID;iin;x\r\nS1;1;2\r\n",  # blank rows above the header
                 b"student_id,\"la\nst\",iin,iin\nS1,a,1,2\n",  # a cell spanning lines, a column named twice
                 b"", b"\r\n\r\n"):  # no header at all
        source.write_bytes(data)
        assert _header_of(read_header(source, KNOWN)) == _header_of(normalise(source, tmp_path / "n.csv", KNOWN)), data
    book = openpyxl.Workbook()
    for row in (["  ", None], ["Student_ID", "iin", "x"], ["S1", "1", "2"]):  # a blank row above the header
        book.active.append(row)
    book.save(tmp_path / "students.xlsx")
    assert _header_of(read_header(tmp_path / "students.xlsx", KNOWN)) == \
        _header_of(normalise(tmp_path / "students.xlsx", tmp_path / "n.csv", KNOWN))
    for variant in ("utf8", "bom_semicolon", "cp1251", "quoted", "xlsx"):
        for path in sorted(write_variant(tmp_path / variant, variant).iterdir()):
            ent = path.stem
            assert _header_of(read_header(path, entity(ent).column_names)) == \
                _header_of(normalise(path, tmp_path / "n.csv", entity(ent).column_names)), path
