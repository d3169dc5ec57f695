"""Loading a folder of extracts into DuckDB: read → land as text → validate → type.

The result is one schema `raw` with a typed table per contract entity, which the dbt
sources read. When any rule is broken nothing typed is written and every defect is
returned, so the caller can report them all at once. A nightly load may reuse the raw table of a file
unchanged since the published warehouse (`extract.reuse`, `load_extracts(previous=...)`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

import policy
from extract.contract import ENTITIES, EXTRACT_DATE_COLUMNS, Entity, entity
from extract.defects import Defect
from extract.read import ReadResult, find_extract, normalise, read_header
from extract.reuse import PreviousLoad, Reuse
from extract.validate import (
    LANDING_SCHEMA,
    RAW_TYPES,
    SOURCE_ROW_COLUMN,
    SOURCE_ROW_TYPE,
    RuleContext,
    Validator,
    landed_table,
    lit,
    parse_expr,
    q,
)

Progress = Callable[[str], None]

SOURCE_ROW_DOC = "Row of the source file (header = row 1), to find the record in the extract."


@dataclass
class ExtractFile:
    """One source file as received: where it came from, its checksum and size."""

    entity: str
    path: Path
    sha256: str
    bytes: int
    rows: int = 0


@dataclass
class LoadResult:
    """What a load did: the files, the row counts, the defects and the warnings.

    A warning is a broken rule that does not stop the refresh (an unknown column, an IIN that
    contradicts the birth date or gender): the refresh prints it and keeps it in its quality
    report. `extract_date` is the date the row rules judged against (see `extract_date`).
    """

    files: list[ExtractFile] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)
    warnings: list[Defect] = field(default_factory=list)
    extract_date: dt.date | None = None

    @property
    def ok(self) -> bool:
        return not self.defects


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def locate_extracts(extract_dir: Path) -> tuple[dict[str, Path], list[Defect]]:
    """The file of every contract entity in `extract_dir`; a defect for each missing one."""
    found: dict[str, Path] = {}
    defects: list[Defect] = []
    for ent in ENTITIES:
        path = find_extract(extract_dir, ent.name)
        if path is not None:
            found[ent.name] = path
        elif ent.required:
            defects.append(Defect(f"{ent.name}.csv", 0, "", "", "required file: not found (.csv or .xlsx)"))
    return found, defects


def extract_date(validator: Validator, landed: dict[str, ReadResult],
                 today: dt.date | None = None) -> tuple[dt.date, str]:
    """The extract date and how it was found: the latest order, grade-sheet or protocol date of
    the extract (its last signed document), never later than the day of the load; the day of
    the load when the extract dates no document."""
    today = today or dt.date.today()
    parts = [
        f"select max({q(col)}) as d from {validator.parsed(entity(name), landed[name].columns)}"
        for name, col in EXTRACT_DATE_COLUMNS if name in landed and col in landed[name].columns
    ]
    latest = validator.con.execute(f"select max(d) from ({' union all '.join(parts)})").fetchone()[0] if parts else None
    if latest is None:
        return today, "the day of the load: the extract dates no order, grade sheet or protocol"
    if latest > today:
        return today, "the day of the load: a document of the extract is dated later"
    return latest, "the latest order, grade-sheet or protocol date in the extract"


def _land(con: duckdb.DuckDBPyConnection, ent: Entity, csv_path: Path, read: ReadResult) -> None:
    """Create the entity's landed table (`landed_table`) with every column as text, exactly as normalised
    (a CSV keeps its own delimiter, an XLSX sheet was written with commas)."""
    names = ["_row", *read.columns]
    columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    con.execute(
        f"create or replace table {landed_table(ent.name)} as select * from read_csv({lit(str(csv_path))}, "
        f"header = true, delim = {lit(read.delimiter or ',')}, quote = '\"', escape = '\"', columns = {columns}, "
        "auto_detect = false, null_padding = false)"
    )


def _create_empty(con: duckdb.DuckDBPyConnection, ent: Entity) -> None:
    """raw.<entity> with the contract's columns and types and no row, for an optional file the extract
    left out: the dbt sources read it as they read a loaded file."""
    exprs = ", ".join(f"cast(NULL as {RAW_TYPES[c.kind]}) as {q(c.name)}" for c in ent.columns)
    con.execute(f"create or replace table raw.{q(ent.name)} as "
                f"select {exprs}, cast(NULL as {SOURCE_ROW_TYPE}) as {q(SOURCE_ROW_COLUMN)} where false")


def _read(ent: Entity, path: Path, out_csv: Path, reuse: Reuse,
          sha256: str | None = None) -> tuple[str, ReadResult, bool]:
    """The file's sha256 and what reading it gives: of a file unchanged since the published warehouse
    its header alone (and True), of any other the file normalised into `out_csv`."""
    sha256 = sha256 or sha256_of(path)
    if reuse.unchanged(ent, sha256):
        return sha256, read_header(path, ent.column_names), True
    return sha256, normalise(path, out_csv, ent.column_names), False


def load_extracts(
    extract_dir: Path,
    con: duckdb.DuckDBPyConnection,
    work_dir: Path,
    progress: Progress = lambda _msg: None,
    previous: PreviousLoad | None = None,
    checksums: Mapping[str, str] | None = None,
) -> LoadResult:
    """Read, validate and (when clean) load every extract of `extract_dir` into `con`.

    With `previous` (the published warehouse and the sha256 each of its raw tables was loaded from),
    a file whose sha256 is the same is reused: its raw table is copied from there instead of read,
    landed, checked and typed. Its header is still read (for the unknown-column warning), and it is
    still judged by what may differ from when it was published: the references between it and the
    files that changed, and the row rules (the extract date moves), on the copied rows. Two reused
    files are not checked against each other: they were then. The defects, warnings, row counts and
    raw tables are those of a full load; a file that cannot be reused is loaded in full.
    `checksums` (file name -> sha256) are the files' checksums when the caller has taken them already.
    """
    result = LoadResult()
    found, missing = locate_extracts(extract_dir)
    result.defects += missing
    work_dir.mkdir(parents=True, exist_ok=True)
    reuse = Reuse(con, previous)
    try:
        return _load(found, con, work_dir, progress, reuse, result, checksums or {})
    finally:
        reuse.close()


def _load(found: dict[str, Path], con: duckdb.DuckDBPyConnection, work_dir: Path, progress: Progress,
          reuse: Reuse, result: LoadResult, checksums: Mapping[str, str]) -> LoadResult:
    con.execute(f"create schema if not exists {LANDING_SCHEMA}")
    landed: dict[str, ReadResult] = {}  # the files landed or reused: what reading each gave
    validator = Validator(con)

    # Python normalises the next files while DuckDB lands and checks the one before (DuckDB
    # releases the GIL while it works); results are taken in contract order, so the defects and
    # the progress lines come in the same order as one file at a time
    normalised = {ent.name: work_dir / f"{ent.name}.csv" for ent in ENTITIES if ent.name in found}
    with ThreadPoolExecutor(max_workers=1) as reader:
        reads = {ent.name: reader.submit(_read, ent, found[ent.name], normalised[ent.name], reuse,
                                         checksums.get(found[ent.name].name))
                 for ent in ENTITIES if ent.name in found}
        for ent in ENTITIES:
            if ent.name not in found:
                continue
            path = found[ent.name]
            sha256, read, unchanged = reads[ent.name].result()
            result.files.append(ExtractFile(ent.name, path, sha256, path.stat().st_size))
            if unchanged:
                taken = reuse.take(ent, read)
                if taken is None:
                    read = normalise(path, normalised[ent.name], ent.column_names)
                else:
                    validator.read_typed(ent.name, f"raw.{q(ent.name)}")
            result.defects += read.defects
            if not read.columns or any(d.row <= 1 for d in read.defects):
                continue  # unreadable or header-less: nothing more can be checked in it
            unknown = [c for c in read.columns if c not in ent.column_names and c]
            if unknown:
                result.warnings.append(Defect(path.name, 0, "", "", f"unknown column(s) ignored: {', '.join(unknown)}"))
            landed[ent.name] = read
            result.files[-1].rows = read.rows
            if ent.name in reuse.taken:
                progress(f"  reused {path.name}: {read.rows:,} rows (unchanged since the published warehouse)")
                continue  # its column, value and key rules held when it was published: the same bytes
            _land(con, ent, normalised[ent.name], read)
            progress(f"  read {path.name}: {read.rows:,} rows ({read.encoding or 'text'})")
            validator.check_entity(ent, path.name, read.columns)
    reuse.close()

    for ent in ENTITIES:
        if ent.name not in landed:
            continue
        for col in ent.columns:
            if col.references and col.name in landed[ent.name].columns and col.references[0] in landed:
                target = col.references
                if target[1] in landed[target[0]].columns and not {ent.name, target[0]} <= reuse.taken.keys():
                    validator.check_reference(ent, found[ent.name].name, col)
    if landed:
        date, basis = extract_date(validator, landed)
        result.extract_date = date
        progress(f"  extract date {date.isoformat()} ({basis})")
        context = RuleContext(date, basis, policy.dbt_vars())
        for ent in ENTITIES:
            if ent.name in landed and ent.checks:
                validator.check_rows(ent, found[ent.name].name, landed[ent.name].columns, context)
    result.defects += validator.defects
    result.warnings += validator.warnings

    if result.ok:
        con.execute("create schema if not exists raw")
        for ent in ENTITIES:
            if ent.name not in found:  # an optional file left out: its table, typed and empty
                _create_empty(con, ent)
                continue
            read = landed[ent.name]
            result.row_counts[ent.name] = read.rows
            if ent.name in reuse.taken:
                continue  # copied from the published warehouse
            present = set(read.columns)
            exprs = ", ".join(f"{parse_expr(c, c.name in present)} as {q(c.name)}" for c in ent.columns)
            # no sort: the landed table is in file order already (DuckDB keeps insertion order)
            con.execute(
                f"create or replace table raw.{q(ent.name)} as "
                f"select {exprs}, try_cast(_row as {SOURCE_ROW_TYPE}) as {q(SOURCE_ROW_COLUMN)} "
                f"from {landed_table(ent.name)}"
            )
    else:
        reuse.drop()
    con.execute(f"drop schema if exists {LANDING_SCHEMA} cascade")
    return result
