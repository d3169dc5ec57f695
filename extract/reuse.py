"""Reusing the typed raw table of an extract file that has not changed since the published warehouse.

A nightly refresh gets a full export of the AIS in which most files (the enrollments, the reference
files) are the same bytes as the night before. The published warehouse already holds each of them
typed, as `raw.<entity>` with its `_source_row`, loaded by the same loader from the same contract and
vars. A file whose sha256 is the one it was loaded from there is not read, landed, checked and typed
again: its raw table is copied, and only what can differ from the night before is checked on it
(`extract.load.load_extracts` says what).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from extract.contract import ENTITIES, Entity
from extract.read import ReadResult
from extract.validate import RAW_TYPES, SOURCE_ROW_COLUMN, SOURCE_ROW_TYPE, lit, q, reads_as_landed

PREVIOUS = "previous_load"  # the published warehouse as attached (read only) during a load


@dataclass(frozen=True)
class PreviousLoad:
    """The published warehouse and the sha256 of the file each of its raw tables was loaded from.

    The caller guarantees it was built by this project with the same contract, loader and vars (so
    the same bytes load to the same table and break no rule they did not break then: a warehouse is
    published only when its extracts broke none).
    """

    warehouse: Path
    sha256: Mapping[str, str]  # entity name -> sha256 of the file that entity was loaded from
    # the load's own database is a copy of `warehouse` (a nightly build starts from one): its raw tables
    # are taken where they stand instead of copied again
    in_place: bool = False


def _referenced_columns(ent: Entity) -> list[str]:
    """The columns of `ent` that a reference compares: its own references and those other files make to it."""
    own = [c.name for c in ent.columns if c.references]
    theirs = [c.references[1] for e in ENTITIES for c in e.columns if c.references and c.references[0] == ent.name]
    return own + theirs


def reusable(ent: Entity) -> bool:
    """Whether a reused raw table of `ent` checks as its landed file would: the references read its
    columns as text, so each column they compare must hold its landed text (`reads_as_landed`)."""
    return all(reads_as_landed(ent.column(name)) for name in _referenced_columns(ent))


class Reuse:
    """The raw tables a load takes from the published warehouse, attached read only (dashboards read it
    at the same time) while the files are gone through, and detached by `close`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, previous: PreviousLoad | None) -> None:
        self.con = con
        self.previous = previous
        self.attached: bool | None = None  # None until the first file that may be reused
        self.taken: dict[str, int] = {}  # entity -> rows of its raw table, copied

    def unchanged(self, ent: Entity, sha256: str) -> bool:
        """Whether `ent`'s file today is the one its published raw table was loaded from."""
        return (self.previous is not None and self.previous.sha256.get(ent.name) == sha256
                and self.attached is not False and reusable(ent))

    def take(self, ent: Entity, header: ReadResult) -> ReadResult | None:
        """Copy the published raw.<entity> of an unchanged file into this load's raw schema and
        give what reading the file gives (`header` and the rows); None, with nothing copied, when the
        published warehouse cannot give it (no such table, other columns or types, not attachable):
        the file is then loaded in full."""
        if header.defects or not header.columns or not self._attach():
            return None
        assert self.previous is not None
        in_place = self.previous.in_place
        catalog = self.con.execute("select current_database()").fetchone()[0] if in_place else PREVIOUS
        source, target = f"{PREVIOUS}.raw.{q(ent.name)}", f"raw.{q(ent.name)}"
        expected = [(c.name, RAW_TYPES[c.kind].upper()) for c in ent.columns]
        expected.append((SOURCE_ROW_COLUMN, SOURCE_ROW_TYPE.upper()))
        try:
            columns = self.con.execute(
                "select column_name, data_type from information_schema.columns where table_catalog = ? "
                "and table_schema = 'raw' and table_name = ? order by ordinal_position", [catalog, ent.name]
            ).fetchall()
            if columns != expected:
                return None
            if not in_place:
                self.con.execute("create schema if not exists raw")
                # a plain scan keeps the table's order (DuckDB keeps insertion order): the file's order
                self.con.execute(f"create or replace table {target} as select * from {source}")
            rows = self.con.execute(f"select count(*) from {target}").fetchone()[0]
        except duckdb.Error:
            with contextlib.suppress(duckdb.Error):
                self.con.execute(f"drop table if exists {target}")
            return None
        self.taken[ent.name] = rows
        header.rows = rows
        return header

    def _attach(self) -> bool:
        assert self.previous is not None
        if self.previous.in_place:
            return True  # nothing to attach: the tables are in this database
        if self.attached is None:
            try:
                self.con.execute(f"attach {lit(str(self.previous.warehouse))} as {PREVIOUS} (read_only)")
                self.attached = True
            except duckdb.Error:
                self.attached = False
        return self.attached

    def drop(self) -> None:
        """Drop the tables taken (the load found defects: nothing typed is written)."""
        for name in self.taken:
            self.con.execute(f"drop table if exists raw.{q(name)}")

    def close(self) -> None:
        if self.attached:
            with contextlib.suppress(duckdb.Error):
                self.con.execute(f"detach {PREVIOUS}")
            self.attached = None
