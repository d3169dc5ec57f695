"""Produce one report: the single path the CLI and the dashboards' Reports page both take
(catalogue -> params.parse -> Report.build -> export.render)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import duckdb

from registrar.reports import export, issued
from registrar.reports.base import Report, ReportDocument, ReportParams


@dataclass(frozen=True)
class Produced:
    """A report written in one format, with the file name it is offered under."""

    document: ReportDocument
    data: bytes
    file_name: str


def refreshed_at(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the published warehouse was built (meta.refresh.refreshed_at)."""
    row = con.execute("select max(refreshed_at) from meta.refresh").fetchone()
    return row[0] if row else None


def produce(report: Report, params: ReportParams, fmts: tuple[str, ...],
            con: duckdb.DuckDBPyConnection, *, register: bool = True) -> dict[str, Produced]:
    """Build the report once and render it in each of `fmts` (checked by params.parse). An official
    document (`report.numbered`) is registered first: its outgoing number and day of issue, the same in
    every format. `register=False` (the bench's timing only) makes it without a number."""
    doc = report.build(con, params)
    if report.numbered and register:
        given = issued.issue(issued.register_dir(con), report.name, params.student, params.lang)
        doc = dataclasses.replace(doc, outgoing_number=given.number, issued_on=given.issued_on)
    when = refreshed_at(con)
    return {fmt: Produced(doc, export.render(doc, fmt, params, when), export.default_file_name(doc, fmt))
            for fmt in fmts}
