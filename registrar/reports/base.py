"""What a report is: its name, its parameters, and the function that reads it.

Each report lives in one module of `registrar.reports.library` that defines `REPORT` (or
`REPORTS`, a tuple); the catalogue finds them there, so adding a report edits no list.
A report's `build` reads only the contract (schema `main`: marts, dimensions, `rpt_*`;
`reference`: the seeds; `meta`) through the read-only connection it is given, binds every
parameter, and returns a `ReportDocument` whose texts are already in the chosen language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import duckdb
import pandas as pd

# The parameters a report may take. `period` is the pair --from/--to; `term` is a term of `year`.
Param = Literal["as_of", "quarter", "period", "student", "faculty", "year", "term"]
Format = Literal["xlsx", "csv", "pdf"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv", "pdf")


class ReportError(ValueError):
    """The report cannot be produced for these parameters; the message says what was wrong and
    is shown to the user as it is (the CLI exits with code 2 and writes no file)."""


@dataclass(frozen=True)
class ReportParams:
    """The parameters of one run, already parsed; `lang` is kk, ru or en."""

    lang: str = "kk"
    as_of: dt.date | None = None
    quarter: str | None = None  # e.g. "2025Q1"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    student: str | None = None
    faculty: str | None = None
    year: str | None = None  # an academic year, e.g. "2024-2025"
    term: str | None = None  # a term of that year: 1, 2 or summer (seed terms)


@dataclass
class Chart:
    """A bar chart the PDF draws under its section's table (XLSX and CSV leave it out): one group of
    bars per category, one bar per series (name, values in the categories' order), texts translated."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]


@dataclass
class Section:
    """One table of a report: a heading (may be empty) and its rows, headers already translated.

    Dates are `datetime.date`, numbers are numbers, so the exporter writes them as such."""

    heading: str
    frame: pd.DataFrame
    # A section of a statistical form: the code printed above each column (the row codes are its first
    # column) and the headers as printed, when they differ from the frame's (unique) column names.
    column_codes: list[str] | None = None
    headers: list[str] | None = None
    # Charts the PDF draws after the table (the annual report's); none for most reports.
    charts: list[Chart] = field(default_factory=list)


@dataclass
class ReportDocument:
    """What the exporter writes: title, parameters as shown, text paragraphs (for documents such
    as the certificate) and sections, plus a file stem that says what and when."""

    title: str
    parameters: list[tuple[str, object]]  # values as text, or dates (shown DD.MM.YYYY, a date cell in XLSX)
    sections: list[Section]
    file_stem: str
    paragraphs: list[str] = field(default_factory=list)
    # An official document (docs/rules.md B28): its outgoing number and day of issue (set when it is
    # issued, run.produce), who signs it (position, name) and the place of the stamp; no internal
    # "warehouse refreshed" line.
    outgoing_number: str | None = None
    issued_on: dt.date | None = None
    signatories: list[tuple[str, str]] = field(default_factory=list)
    stamp_place: str = ""
    show_refreshed: bool = True
    # A statistical form (B20): the XLSX has a title sheet, then one sheet per section.
    sheet_per_section: bool = False


@dataclass(frozen=True)
class Report:
    """One report: `required` and `optional` parameters, the formats it can be written in, and
    `build`, which reads it from the published warehouse."""

    name: str
    title_key: str  # translation key of its title
    description_key: str  # translation key of one line for `registrar report --list`
    required: tuple[Param, ...]
    optional: tuple[Param, ...]
    formats: tuple[Format, ...]
    build: Callable[[duckdb.DuckDBPyConnection, ReportParams], ReportDocument]
    # Shown on the dashboards' Lists page too, scoped to the reader (a dean's faculty, an advisor's
    # advisees, names masked for management); its sections name students by the columns keyed
    # lists_student_id and lists_full_name (registrar.reports._lists.section).
    on_lists_page: bool = False
    # An official document: each time it is made it gets the next outgoing number of the register of
    # issued documents (registrar/reports/issued.py).
    numbered: bool = False
