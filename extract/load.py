"""Loading a folder of extracts into DuckDB: read → land as text → validate → type.

The result is one schema `raw` with a typed table per contract entity, which the dbt
sources read. When any rule is broken nothing typed is written and every defect is
returned, so the caller can report them all at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from extract.contract import ENTITIES, Entity
from extract.defects import Defect
from extract.read import ReadResult, find_extract, normalise
from extract.validate import Validator, lit, parse_expr, q

Progress = Callable[[str], None]


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
    """What a load did: the files, the row counts, the defects and the warnings."""

    files: list[ExtractFile] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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


def _land(con: duckdb.DuckDBPyConnection, ent: Entity, csv_path: Path, read: ReadResult) -> None:
    """Create landing.<entity> with every column as text, exactly as normalised."""
    names = ["_row", *read.columns]
    columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    con.execute(
        f"create or replace table landing.{q(ent.name)} as select * from read_csv({lit(str(csv_path))}, "
        f"header = true, delim = ',', quote = '\"', escape = '\"', columns = {columns}, "
        "auto_detect = false, null_padding = false)"
    )


def load_extracts(
    extract_dir: Path,
    con: duckdb.DuckDBPyConnection,
    work_dir: Path,
    progress: Progress = lambda _msg: None,
) -> LoadResult:
    """Read, validate and (when clean) load every extract of `extract_dir` into `con`."""
    result = LoadResult()
    found, missing = locate_extracts(extract_dir)
    result.defects += missing
    work_dir.mkdir(parents=True, exist_ok=True)
    con.execute("create schema if not exists landing")
    landed: dict[str, ReadResult] = {}
    validator = Validator(con)

    for ent in ENTITIES:
        path = found.get(ent.name)
        if path is None:
            continue
        result.files.append(ExtractFile(ent.name, path, sha256_of(path), path.stat().st_size))
        normalised = work_dir / f"{ent.name}.csv"
        read = normalise(path, normalised, ent.column_names)
        result.defects += read.defects
        if not read.columns or any(d.row <= 1 for d in read.defects):
            continue  # unreadable or header-less: nothing more can be checked in it
        unknown = [c for c in read.columns if c not in ent.column_names and c]
        if unknown:
            result.warnings.append(f"{path.name}: unknown column(s) ignored: {', '.join(unknown)}")
        _land(con, ent, normalised, read)
        landed[ent.name] = read
        result.files[-1].rows = read.rows
        progress(f"  read {path.name}: {read.rows:,} rows ({read.encoding or 'text'})")
        validator.check_entity(ent, path.name, read.columns)

    for ent in ENTITIES:
        if ent.name not in landed:
            continue
        for col in ent.columns:
            if col.references and col.name in landed[ent.name].columns and col.references[0] in landed:
                target = col.references
                if target[1] in landed[target[0]].columns:
                    validator.check_reference(ent, found[ent.name].name, col, f"landing.{q(target[0])}")
    result.defects += validator.defects

    if result.ok:
        con.execute("create schema if not exists raw")
        for ent in ENTITIES:
            read = landed[ent.name]
            present = set(read.columns)
            exprs = ", ".join(f"{parse_expr(c, c.name in present)} as {q(c.name)}" for c in ent.columns)
            con.execute(
                f"create or replace table raw.{q(ent.name)} as "
                f"select {exprs}, try_cast(_row as integer) as _source_row "
                f"from landing.{q(ent.name)} order by try_cast(_row as integer)"
            )
            result.row_counts[ent.name] = read.rows
    con.execute("drop schema if exists landing cascade")
    return result
