"""The nightly refresh: build on a copy of the published warehouse and rebuild per-student models only
for the students whose extract rows changed (rules C8; issue 20).

A refresh builds *incrementally* when the warehouse served now was built by this very project (models,
seeds, vars, checks, the loader and the pinned packages: `history.project_fingerprint`) and no extract
file other than the per-student ones changed (a new curriculum, calendar or discipline list can change
every student). It then starts from a copy of the served warehouse, loads the extracts into it as a full
refresh does, and lists in `meta.changed_students` every student whose rows in a per-student file differ
from the served warehouse's: the models dbt_project.yml makes incremental per student
(macros/incremental_students.sql) delete and rebuild those students' rows only; every other model that
reads a changed file is built in full as always, and a model that reads none keeps its table
(`Plan.selection`). Otherwise, or with `registrar refresh --full`, the whole warehouse is built from the
extracts. Either way the published warehouse is the same (tests/warehouse/test_incremental.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import duckdb

from extract.contract import ENTITIES
from extract.dbt_docs import SOURCE_NAME
from extract.reuse import PreviousLoad
from extract.validate import SOURCE_ROW_COLUMN
from registrar.pipeline import changes, history

STUDENT_COLUMN = "student_id"
# the extract files whose rows each belong to one student: any other file changing rebuilds everything
STUDENT_ENTITIES = tuple(e.name for e in ENTITIES if STUDENT_COLUMN in e.column_names)
# the per-student files whose row number is part of each student's fingerprint: a per-student model may
# carry their source row (orders: int_orders_replayed, fct_contingent_movements), so a student whose rows
# moved in one of them is changed. New orders are written at the end of the file, so their rows stay put
# night after night; a row that only moved in any other file is no change
SOURCE_ROW_FINGERPRINTED = ("orders",)
STUDENT_FINGERPRINTS = "meta.student_fingerprints"
CHANGED_STUDENTS = "meta.changed_students"  # macros/incremental_students.sql reads it
# the list as the published warehouse keeps it: under the other name, a copy of a published warehouse is
# no nightly build (macros/incremental_students.sql)
REBUILT_STUDENTS = "meta.rebuilt_students"
STALE_SCHEMAS = ("test_failures",)  # rows of the served build's failing tests: this build stores its own
# What a nightly build builds besides what reads a changed file (dbt selection, rules C8): the warn-level
# tests, whose failing rows the quality report lists, and the lists over all students whose change
# rebuilds every student (macros/incremental_students.sql), so that their comparison is tonight's
ALWAYS_BUILT = ("config.severity:warn", "config.meta.same_for_every_student:rebuilt_when_moved")


@dataclass(frozen=True)
class Plan:
    """How this refresh builds: on a copy of `base` (incremental), or from nothing, and why; and the
    published load whose raw tables the loader may reuse for unchanged files (`extract.reuse`)."""

    base: Path | None
    reason: str
    previous: PreviousLoad | None = None
    changed_files: tuple[str, ...] = ()  # of an incremental build: the extract files that differ (entity names)

    @property
    def incremental(self) -> bool:
        return self.base is not None

    def describe(self) -> str:
        return ("incremental: on a copy of the warehouse served now, rebuilding the changed students"
                if self.incremental else f"full: {self.reason}")

    @property
    def unchanged_files(self) -> tuple[str, ...]:
        """Of a nightly build: the per-student files the same as the served warehouse's, whose raw tables the
        copy holds as that warehouse stored them (none of a build from nothing)."""
        return tuple(name for name in STUDENT_ENTITIES if name not in self.changed_files) if self.incremental else ()

    def selection(self) -> tuple[str, ...]:
        """The dbt selection of this build: of a nightly build, the models and tests that read a changed file
        (and ALWAYS_BUILT); none (everything) of a build from nothing. A model nothing upstream of which
        changed keeps the served warehouse's table, which the same files, seeds, vars and SQL (the project's
        fingerprint) would build again the same; a test of it with severity error passed on it when that
        warehouse was published (checks.dbt_test_outcomes says so of each)."""
        if not self.incremental:
            return ()
        return ("--select", *(f"source:{SOURCE_NAME}.{name}+" for name in self.changed_files), *ALWAYS_BUILT)

    def rebuilt(self, changed_students: int | None, models_kept: int = 0) -> str:
        """What the build rebuilt, as the refresh prints it (rules C8)."""
        if not self.incremental:
            return f"every term of every model (a full build: {self.reason})"
        if not models_kept:
            kept = ""
        elif self.changed_files:
            kept = f"; {models_kept:,} models that read none of the changed files ({', '.join(self.changed_files)}) "
            kept += "kept as published"
        else:
            kept = f"; no extract file changed: {models_kept:,} models kept as published"
        return (f"the per-student models for the {changed_students or 0:,} students whose records changed, "
                f"the aggregates counted by changed keys for the groups their rows fall in; every other model "
                f"that reads a changed file in full{kept}")


def plan(served: Path, record: history.RunRecord | None, files: list[dict[str, object]], full: bool,
         project: str) -> Plan:
    """The build this refresh can make, given the served warehouse, its kept record, today's files and
    the project's fingerprint (`history.project_fingerprint`)."""
    if full:
        return Plan(None, "a full rebuild was asked for (--full)")
    if record is None or not served.exists():
        return Plan(None, "no warehouse is published yet")
    if record.project_fingerprint != project:
        return Plan(None, "the project changed since the served warehouse was built "
                          "(models, seeds, vars, checks, the loader or the packages)")
    # the same project loads the same bytes to the same raw table: an unchanged file's is reused
    loaded = {Path(str(f["file"])).stem: str(f["sha256"]) for f in record.files}
    before = {str(f["file"]): f["sha256"] for f in record.files}
    now = {str(f["file"]): f["sha256"] for f in files}
    differ = {name for name in before.keys() | now.keys() if before.get(name) != now.get(name)}
    other = sorted(name for name in differ if Path(name).stem not in STUDENT_ENTITIES)
    if other:
        return Plan(None, f"{', '.join(other)} changed, which can change every student",
                    PreviousLoad(served, loaded))
    if not _has_table(served, STUDENT_FINGERPRINTS):
        return Plan(None, "the served warehouse was built before student fingerprints were kept",
                    PreviousLoad(served, loaded))
    return Plan(served, "", PreviousLoad(served, loaded, in_place=True),
                tuple(sorted({Path(name).stem for name in differ})))


def _has_table(database: Path, table: str) -> bool:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return _listed(con, table)
    finally:
        con.close()


def _listed(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `table` (schema.name) exists in the database `con` is open on."""
    schema, name = table.split(".")
    found = con.execute("select count(*) from duckdb_tables() where database_name = current_database() "
                        "and schema_name = ? and table_name = ?", [schema, name]).fetchone()[0]
    return bool(found)


def start_from(base: Path, database: Path) -> None:
    """`database` a copy of `base`, without what belongs to `base`'s build alone."""
    shutil.copyfile(base, database)
    con = duckdb.connect(str(database))
    try:
        for schema in STALE_SCHEMAS:
            con.execute(f"drop schema if exists {schema} cascade")
    finally:
        con.close()


def _fingerprints_sql(unchanged: Collection[str] = ()) -> str:
    """Per student and file: the rows and the sum of their hashes. Where a row stands in its file counts
    only in the files of SOURCE_ROW_FINGERPRINTED, whose source row per-student models carry; elsewhere
    it is left out: a row inserted above moves every later row, and no per-student model carries that
    file's source row (tests/warehouse/test_incremental.py checks both), so a student whose rows only
    moved there is unchanged. A file `unchanged` since the served warehouse keeps the fingerprints stored
    of the same raw table, which the copy holds (hashing them again would give the same)."""
    return " union all ".join(
        f"select * from {STUDENT_FINGERPRINTS} where source = '{name}'" if name in unchanged else
        f"select '{name}' as source, {STUDENT_COLUMN} as student_id, count(*) as row_count, "
        f"sum(hash(*columns(*{'' if name in SOURCE_ROW_FINGERPRINTED else f' exclude ({SOURCE_ROW_COLUMN})'})))"
        f"::hugeint as fingerprint from raw.{name} group by all"
        for name in STUDENT_ENTITIES
    )


def _terms_changed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the terms the records name (grades, enrollments, recognitions) differ from those of the
    served warehouse (its term fingerprints, still in the copy): models may list a student's terms from
    them, so then every student is rebuilt."""
    named = "select * from (" + " union ".join(
        f"select academic_year, term from raw.{name}" for name in changes.TERM_COLUMN_SOURCES) + ")"
    sources = ", ".join(f"'{name}'" for name in changes.TERM_COLUMN_SOURCES)
    before = f"select * from (select academic_year, term from {changes.FINGERPRINTS} where source in ({sources}))"
    return bool(con.execute(f"select exists ({named} except {before}) or exists ({before} except {named})"
                            ).fetchone()[0])


def mark_changed_students(database: Path, incremental: bool, unchanged: Collection[str] = ()) -> tuple[int, str] | None:
    """Write this build's student fingerprints and, when it builds incrementally, list in
    meta.changed_students the students whose fingerprint differs from the served warehouse's (still
    in the copy), or who are in one of the two only; every student when the terms named changed.
    The files `unchanged` (Plan.unchanged_files) keep their stored fingerprints.
    Returns how many and why (None for a full build)."""
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema if not exists meta")
        kept = unchanged if incremental else ()
        con.execute(f"create or replace temp table fingerprints_now as {_fingerprints_sql(kept)}")
        changed = None
        if incremental:
            every = _terms_changed(con)
            differs = "true" if every else """now.fingerprint is distinct from before.fingerprint
                    or now.row_count is distinct from before.row_count"""
            con.execute(f"""
                create or replace table {CHANGED_STUDENTS} as
                select distinct coalesce(now.student_id, before.student_id) as student_id
                from fingerprints_now as now
                full join {STUDENT_FINGERPRINTS} as before
                    on now.source = before.source and now.student_id is not distinct from before.student_id
                where {differs}
            """)
            count = int(con.execute(f"select count(*) from {CHANGED_STUDENTS}").fetchone()[0])
            changed = (count, "every student: a term appeared in the records or left them" if every
                       else "their rows in a per-student file changed")
            # an unchanged student's stored rows are tonight's already: only the changed students' are
            # written again (the whole table, 1.2 M rows at 200,000 students, took 0.75 s to write)
            of_changed = (f"exists (select 1 from {CHANGED_STUDENTS} as changed "
                          "where changed.student_id is not distinct from fingerprints.student_id)")
            con.execute(f"delete from {STUDENT_FINGERPRINTS} as fingerprints where {of_changed}")
            con.execute(f"insert into {STUDENT_FINGERPRINTS} select * from fingerprints_now as fingerprints "
                        f"where {of_changed}")
        else:
            con.execute(f"create or replace table {STUDENT_FINGERPRINTS} as select * from fingerprints_now")
        return changed
    finally:
        con.close()


def keep_rebuilt_students(con: duckdb.DuckDBPyConnection) -> None:
    """Before publishing: keep the changed students of a nightly build as meta.rebuilt_students (none of
    a build from nothing), so that dbt on a copy of the published warehouse builds every row again."""
    con.execute(f"drop table if exists {REBUILT_STUDENTS}")
    if _listed(con, CHANGED_STUDENTS):
        con.execute(f"alter table {CHANGED_STUDENTS} rename to {REBUILT_STUDENTS.split('.')[1]}")
