"""What changed since the published warehouse, term by term (rules C8).

Every build records in `meta.term_fingerprints` one fingerprint per term and source: grades,
enrollments and recognitions by their own term, orders by the term whose calendar span (from its
start to the next term's start) holds their effective date. A fingerprint is the number of rows and
the sum of their hashes, so the next refresh finds the terms whose rows changed without reading the
published rows again; only there are the rows' hashes compared, to count rows added and removed.
A term is *closed* when its exam period ended more than `term_closed_after_days` (var) days before
the extract date: a change there (a corrected old grade, a new recognition, an order back-dated into
it) is what a registrar most needs to see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

import policy

TERM_COLUMN_SOURCES = ("grades", "enrollments", "recognitions")
DATED_SOURCES = {"orders": "effective_date"}  # source → the date that places a row in a term
SOURCES = (*TERM_COLUMN_SOURCES, *DATED_SOURCES)
FINGERPRINTS = "meta.term_fingerprints"
CLOSED_AFTER_VAR = "term_closed_after_days"
PUBLISHED = "published"  # the published warehouse's name while attached
CLOSED, OPEN = "closed", "open"
NOT_IN_CALENDAR = "not in the calendar"  # a term the records name but the calendar does not
BEFORE_CALENDAR = "before the calendar"  # orders effective before the calendar's first term


def _term_rows(database: str, source: str) -> str:
    """SQL of `source`'s rows in `database` as (academic_year, term, row_hash). Where a row stands
    in its file (`_source_row`) is not part of its hash: a row that only moved has not changed."""
    row_hash = "hash(*columns(r.* exclude (_source_row)))"
    table = f"{database}.raw.{source}"
    if source in TERM_COLUMN_SOURCES:
        return f"select r.academic_year, r.term, {row_hash} as row_hash from {table} as r"
    return (f"select spans.academic_year, spans.term, {row_hash} as row_hash from {table} as r "
            f"asof left join (select academic_year, term, starts_on from {database}.raw.calendar) as spans "
            f"on r.{DATED_SOURCES[source]} >= spans.starts_on")


def _database(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("select current_database()").fetchone()[0])


def write_fingerprints(con: duckdb.DuckDBPyConnection, unchanged: Collection[str] = ()) -> None:
    """meta.term_fingerprints of the warehouse `con` is open on: one row per source and term with its
    rows and fingerprint, and the DuckDB version whose hash made it (another version's do not compare).
    A source `unchanged` since the warehouse this one is a copy of (a nightly build: the same raw table,
    calendar and DuckDB) keeps the rows that warehouse stored."""
    database = _database(con)
    parts = " union all ".join(
        f"select source, academic_year, term, row_count, fingerprint from {FINGERPRINTS} where source = '{source}'"
        if source in unchanged else
        f"select '{source}' as source, academic_year, term, count(*) as row_count, "
        f"sum(row_hash)::hugeint as fingerprint from ({_term_rows(database, source)}) as t group by all"
        for source in SOURCES
    )
    con.execute("create schema if not exists meta")
    # through a temp table: the new rows may read the stored ones
    con.execute(f"create or replace temp table term_fingerprints_now as select * from ({parts}) as fingerprints")
    con.execute(f"create or replace table {FINGERPRINTS} as "
                "select *, version() as hashed_by from temp.term_fingerprints_now")
    con.execute("drop table temp.term_fingerprints_now")


@dataclass
class TermChange:
    """The rows of one source in one term that differ from the published warehouse's."""

    source: str
    academic_year: str | None  # None: orders effective before the calendar's first term
    term: str | None
    state: str  # CLOSED, OPEN, NOT_IN_CALENDAR or BEFORE_CALENDAR
    exams_end_on: str | None
    rows_before: int
    rows_after: int
    added: int = 0
    removed: int = 0

    def describe(self) -> str:
        labels = {r["term"]: r["label_en"] for r in policy.seed_rows("terms")}
        where = f"{self.academic_year} {labels.get(self.term, self.term)}" if self.term else "before the calendar"
        state = f"closed, exams ended {self.exams_end_on}" if self.state == CLOSED else self.state
        return (f"{where} ({state}): {self.source} +{self.added:,} / -{self.removed:,} rows "
                f"({self.rows_before:,} → {self.rows_after:,})")


@dataclass
class Changes:
    """What a refresh changes against the warehouse served now, as the refresh prints and keeps it."""

    compared_with: str = ""  # run id of the published warehouse; empty when not compared
    not_compared: str = ""  # why the terms were not compared
    files_changed: list[str] = field(default_factory=list)
    files_unchanged: list[str] = field(default_factory=list)
    terms: list[TermChange] = field(default_factory=list)
    rebuilt: str = ""  # what the build rebuilt (incremental.Plan.rebuilt)

    @property
    def closed_terms_changed(self) -> list[TermChange]:
        return [t for t in self.terms if t.state == CLOSED]

    def lines(self) -> list[str]:
        if not self.compared_with and not self.not_compared:
            return []
        head = [f"changes since the published warehouse ({self.compared_with or 'none'}):"]
        if self.not_compared:
            return [*head, f"  terms not compared: {self.not_compared}", f"  rebuilt: {self.rebuilt}"]
        files = ", ".join(self.files_changed) or "none"
        head.append(f"  files changed: {files} ({len(self.files_unchanged)} unchanged)")
        terms = [f"  {t.describe()}" for t in self.terms] or ["  no term's grades, enrollments, recognitions "
                                                              "or orders changed"]
        return [*head, *terms, f"  rebuilt: {self.rebuilt}"]

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"closed_terms_changed": len(self.closed_terms_changed)}


def compare(build: Path, published: Path | None, published_run: str, extract_date: dt.date | None,
            files_now: list[dict[str, object]], files_before: list[dict[str, object]]) -> Changes:
    """The changes of `build` against the `published` warehouse (run `published_run`), file by file
    (by checksum) and term by term (by fingerprint, then by the hashes of the changed terms' rows)."""
    if published is None or not published.exists():
        return Changes(not_compared="no warehouse is published yet")
    before = {f["file"]: f["sha256"] for f in files_before}
    changes = Changes(compared_with=published_run)
    for f in files_now:
        (changes.files_unchanged if before.get(f["file"]) == f["sha256"] else changes.files_changed).append(
            str(f["file"]))
    # read only: the refresh takes the build's checksum meanwhile (refresh._refresh), and temp tables are allowed
    con = duckdb.connect(str(build), read_only=True)
    try:
        con.execute(f"attach '{published}' as {PUBLISHED} (read_only)")
        reason = _not_comparable(con)
        if reason:
            changes.not_compared = reason
            return changes
        changes.terms = _term_changes(con, extract_date)
    finally:
        con.close()
    return changes


def _not_comparable(con: duckdb.DuckDBPyConnection) -> str:
    """Why the published warehouse's fingerprints cannot be compared with the build's, or ''."""
    schema, name = FINGERPRINTS.split(".")
    found = con.execute("select count(*) from duckdb_tables() where database_name = ? and schema_name = ? "
                        "and table_name = ?", [PUBLISHED, schema, name]).fetchone()[0]
    if not found:
        return "the published warehouse was built before term fingerprints were kept"
    versions = con.execute(f"select distinct hashed_by from {PUBLISHED}.{FINGERPRINTS} "
                           f"union select distinct hashed_by from {FINGERPRINTS}").fetchall()
    if len(versions) > 1:
        return "the published warehouse was built with another DuckDB version, whose fingerprints differ"
    return ""


def _term_changes(con: duckdb.DuckDBPyConnection, extract_date: dt.date | None) -> list[TermChange]:
    database = _database(con)
    changed = con.execute(f"""
        select
            coalesce(new.source, old.source), coalesce(new.academic_year, old.academic_year),
            coalesce(new.term, old.term), coalesce(old.row_count, 0), coalesce(new.row_count, 0)
        from {FINGERPRINTS} as new
        full join {PUBLISHED}.{FINGERPRINTS} as old
            on new.source = old.source and new.academic_year is not distinct from old.academic_year
            and new.term is not distinct from old.term
        where new.fingerprint is distinct from old.fingerprint or new.row_count is distinct from old.row_count
    """).fetchall()
    if not changed:
        return []
    calendar = {(y, t): (ends, starts) for y, t, ends, starts in con.execute(
        "select academic_year, term, exams_end_on, starts_on from raw.calendar").fetchall()}
    closed_after = dt.timedelta(days=int(policy.dbt_vars()[CLOSED_AFTER_VAR]))
    counted = _added_removed(con, database, changed)
    out = []
    for source, year, term, rows_before, rows_after in changed:
        exams_end_on, _starts = calendar.get((year, term), (None, None))
        if term is None:
            state = BEFORE_CALENDAR
        elif exams_end_on is None:
            state = NOT_IN_CALENDAR
        else:
            state = CLOSED if extract_date and extract_date - exams_end_on > closed_after else OPEN
        added, removed = counted.get((source, year, term), (0, 0))
        out.append(TermChange(source, year, term, state, exams_end_on.isoformat() if exams_end_on else None,
                              int(rows_before), int(rows_after), added, removed))
    # in calendar order: orders before the calendar first, terms the calendar lacks last
    def place(c: TermChange) -> tuple:
        starts = dt.date.min if c.term is None else calendar.get((c.academic_year, c.term), (None, dt.date.max))[1]
        return starts, c.academic_year or "", c.term or "", SOURCES.index(c.source)

    out.sort(key=place)
    return out


def _added_removed(con: duckdb.DuckDBPyConnection, database: str,
                   changed: list[tuple]) -> dict[tuple, tuple[int, int]]:
    """(source, academic_year, term) → rows added and removed, by the multiset of row hashes of the
    changed terms only."""
    con.execute("create or replace temp table changed_terms (source varchar, academic_year varchar, term varchar)")
    con.executemany("insert into changed_terms values (?, ?, ?)", [c[:3] for c in changed])
    counted: dict[tuple, tuple[int, int]] = {}
    for source in sorted({c[0] for c in changed}):
        def rows(db: str, source: str = source) -> str:
            return (f"select academic_year, term, row_hash from ({_term_rows(db, source)}) as t "
                    f"semi join (select * from changed_terms where source = '{source}') as c "
                    "on t.academic_year is not distinct from c.academic_year and t.term is not distinct from c.term")
        for year, term, added, removed in con.execute(f"""
            with new as ({rows(database)}), old as ({rows(PUBLISHED)}),
            added as (select * from new except all select * from old),
            removed as (select * from old except all select * from new)
            select academic_year, term, sum(is_added::int), sum((not is_added)::int) from (
                select academic_year, term, true as is_added from added
                union all select academic_year, term, false from removed
            ) as d group by all
        """).fetchall():
            counted[(source, year, term)] = (int(added), int(removed))
    return counted
