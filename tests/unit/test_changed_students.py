"""Which students a nightly build rebuilds (registrar/pipeline/incremental.py, rules C8), on a small
warehouse of raw tables: those whose rows changed, or every student when a term appears."""

from __future__ import annotations

from pathlib import Path

import duckdb

from registrar.pipeline import changes, incremental

TERM_TABLES = ("enrollments", "grades", "recognitions")


def _warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    for name in incremental.STUDENT_ENTITIES:
        extra = ", academic_year varchar, term varchar, exam int" if name in TERM_TABLES else ""
        con.execute(f"create table raw.{name} (student_id varchar{extra}, _source_row integer)")
    con.execute("insert into raw.grades values ('S1', '2024-2025', '1', 80, 2), ('S2', '2024-2025', '1', 70, 3), "
                "('S3', '2024-2025', '1', 60, 4)")
    con.execute("insert into raw.students values ('S1', 2), ('S2', 3), ('S3', 4)")
    con.execute("insert into raw.orders values ('S1', 2), ('S2', 3), ('S3', 4)")
    # orders fall into the term of the calendar that holds their date (changes.write_fingerprints)
    con.execute("alter table raw.orders add column effective_date date default date '2024-10-01'")
    con.execute("create table raw.calendar as select '2024-2025' as academic_year, '1' as term, "
                "date '2024-09-01' as starts_on")
    con.execute("insert into raw.enrollments select student_id, academic_year, term, null, _source_row from raw.grades")
    con.close()
    assert incremental.mark_changed_students(path, incremental=False) is None  # a full build: fingerprints only
    con = duckdb.connect(str(path))
    con.execute(f"create table {changes.FINGERPRINTS} as select 'grades' as source, '2024-2025' as academic_year, "
                "'1' as term")
    con.close()
    return path


def _changed(path: Path) -> tuple[list[str], str]:
    marked = incremental.mark_changed_students(path, incremental=True)
    assert marked is not None
    con = duckdb.connect(str(path), read_only=True)
    students = sorted(r[0] for r in con.execute(f"select student_id from {incremental.CHANGED_STUDENTS}").fetchall())
    con.close()
    assert marked[0] == len(students)
    return students, marked[1]


def _edit(path: Path, *statements: str) -> None:
    """Tonight's raw tables: the extracts' rows as they arrive changed."""
    con = duckdb.connect(str(path))
    for statement in statements:
        con.execute(statement)
    con.close()


def test_only_the_students_whose_rows_changed(tmp_path: Path) -> None:
    path = _warehouse(tmp_path / "w.duckdb")
    _edit(path,
          "update raw.grades set exam = 81 where student_id = 'S1'",
          "update raw.students set _source_row = _source_row + 1",  # a row inserted above: moved only
          "delete from raw.students where student_id = 'S3'",
          "delete from raw.orders where student_id = 'S3'",
          "delete from raw.grades where student_id = 'S3'",
          "delete from raw.enrollments where student_id = 'S3'")
    assert _changed(path) == (["S1", "S3"], "their rows in a per-student file changed")
    assert _changed(path) == ([], "their rows in a per-student file changed")  # against the fingerprints just kept


def _stored(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute(f"select * from {incremental.STUDENT_FINGERPRINTS} order by all").fetchall()
    con.close()
    return rows


def test_a_nightly_mark_stores_what_a_full_mark_stores(tmp_path: Path) -> None:
    """A nightly mark writes again only the changed students' fingerprints: the table it leaves is the one a
    full mark of the same raw tables writes, a student who left and one who came included."""
    path = _warehouse(tmp_path / "w.duckdb")
    _edit(path,
          "update raw.grades set exam = 81 where student_id = 'S1'",
          "delete from raw.orders where student_id = 'S3'",
          "delete from raw.students where student_id = 'S3'",
          "insert into raw.students values ('S4', 5)")
    assert _changed(path) == (["S1", "S3", "S4"], "their rows in a per-student file changed")
    nightly = _stored(path)
    assert incremental.mark_changed_students(path, incremental=False) is None
    assert nightly == _stored(path)
    assert ("students", "S4") in {row[:2] for row in nightly} and ("orders", "S3") not in {row[:2] for row in nightly}


def test_a_moved_order_changes_its_student(tmp_path: Path) -> None:
    """Per-student models carry the orders file's source row (incremental.SOURCE_ROW_FINGERPRINTED): a
    student whose order line only moved is changed, one whose line in another file moved is not."""
    path = _warehouse(tmp_path / "w.duckdb")
    _edit(path,
          "update raw.orders set _source_row = _source_row + 10 where student_id = 'S2'",
          "update raw.grades set _source_row = _source_row + 10 where student_id = 'S3'")
    assert _changed(path) == (["S2"], "their rows in a per-student file changed")


def test_every_student_when_a_term_appears(tmp_path: Path) -> None:
    path = _warehouse(tmp_path / "w.duckdb")
    _edit(path, "insert into raw.grades values ('S2', '2024-2025', 'summer', 90, 5)")
    assert _changed(path) == (["S1", "S2", "S3"], "every student: a term appeared in the records or left them")


def test_a_file_unchanged_since_the_served_warehouse_keeps_its_stored_fingerprints(tmp_path: Path) -> None:
    """incremental.Plan.unchanged_files: a nightly build's raw table of a file whose checksum is the served
    warehouse's is that warehouse's table, so the student and term fingerprints stored of it stand and are
    not hashed again. Shown by a change to such a table that the build is told is unchanged: unseen there, seen
    once the file counts as changed."""
    path = _warehouse(tmp_path / "w.duckdb")
    con = duckdb.connect(str(path))
    changes.write_fingerprints(con)
    stored = con.execute(f"select * from {changes.FINGERPRINTS} order by all").fetchall()
    con.execute("update raw.enrollments set exam = 1 where student_id = 'S2'")
    con.execute("update raw.grades set exam = 99 where student_id = 'S1'")
    changes.write_fingerprints(con, unchanged=("enrollments", "recognitions", "orders"))
    now = con.execute(f"select * from {changes.FINGERPRINTS} order by all").fetchall()
    con.close()
    assert [r for r in now if r[0] != "grades"] == [r for r in stored if r[0] != "grades"]
    assert [r for r in now if r[0] == "grades"] != [r for r in stored if r[0] == "grades"]
    assert incremental.mark_changed_students(path, incremental=True, unchanged=("enrollments",)) == \
        (1, "their rows in a per-student file changed")  # S1's grade; S2's enrollment not seen
    _edit(path, "update raw.grades set exam = 80 where student_id = 'S1'")  # as stored again
    assert _changed(path) == (["S1", "S2"], "their rows in a per-student file changed")
