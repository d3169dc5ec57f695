"""The one exporter: a ReportDocument to XLSX, CSV or PDF, as bytes or atomically to a file (the PDF is
written by `registrar.reports.pdf`).

- XLSX (xlsxwriter, constant memory: rows streamed in order): the title, the parameters, the
  warehouse's refresh time, the paragraphs, then each section (heading, header row, rows); panes
  frozen below the first section's header, column widths fitted to the content, numbers and dates
  typed as such. A table's rows are written as sheet XML by `_Xlsx` itself, each distinct value of a
  column made once, into the package xlsxwriter wrote (a whole-university list is a million cells); their
  cells carry no reference (`r`, optional in the format: Excel, LibreOffice and openpyxl place them in turn).
- CSV: UTF-8 with a BOM so that Excel opens Cyrillic, the sections' headers in the chosen
  language. A document of several sections is one CSV: the sections stacked, with a first
  column naming each row's section (the union of the sections' columns, empty where a
  section has none). Title, parameters and paragraphs are not in the CSV: it is data only.
- No text becomes a formula (issue 21 finding 10): in the XLSX every text is a string cell, quote-
  prefixed when it starts as a formula would (shown as typed, also once edited); in the CSV a text
  starting with = + - @, a tab or a carriage return gets a leading apostrophe (OWASP's advice), so a
  spreadsheet shows it as text.
- PDF (fpdf2): `registrar.reports.pdf`.
- A parameter whose value is a date is a date cell (DD.MM.YYYY) in the XLSX and DD.MM.YYYY in the PDF.
- An official document (ReportDocument.outgoing_number, signatories): its outgoing number and day of
  issue under the title, the signatories and the place of the stamp after the text, and no "warehouse
  refreshed" line (`show_refreshed`).
- A statistical form (`sheet_per_section`): the XLSX has a title sheet (title, university, parameters),
  then one sheet per section as the form is entered: the column codes in the first row, the row codes in
  the first column, the labels in the second row and column. A section's `column_codes` are also printed
  in the PDF as a row under its header.
- A section's `charts` (bar charts) are drawn in the PDF under its table, with the PDF's own lines and
  fills; the XLSX and the CSV hold the table only.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import itertools
import math
import os
import re
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from registrar.common.i18n import t
from registrar.reports import pdf
from registrar.reports._cells import AS_IS, cell, column_values, heading_pairs, printed, university_name
from registrar.reports.base import ReportDocument, ReportParams, Section

MAX_WIDTH = 60  # characters: a long name wraps in Excel rather than pushing the table off screen
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]+")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def file_stem(report_name: str, params: ReportParams) -> str:
    """`<report>_<params>`: what the file holds (the report and the values it was run for)."""
    parts = [report_name]
    if params.student:
        parts.append(params.student)
    if params.faculty:
        parts.append(params.faculty)
    if params.quarter:
        parts.append(params.quarter)
    if params.date_from and params.date_to:
        parts.append(f"{params.date_from:%Y-%m-%d}--{params.date_to:%Y-%m-%d}")
    if params.as_of:
        parts.append(f"{params.as_of:%Y-%m-%d}")
    parts.append(params.lang)
    return _UNSAFE.sub("-", "_".join(parts))


def default_file_name(doc: ReportDocument, fmt: str, today: dt.date | None = None) -> str:
    """`<report>_<params>_<YYYY-MM-DD>.<ext>`: the stem of the document and the day it was made."""
    return f"{_UNSAFE.sub('-', doc.file_stem)}_{(today or dt.date.today()):%Y-%m-%d}.{fmt}"


def _frame_columns(frame: pd.DataFrame) -> list[list[object]]:
    """Each column's values as Python (`column_values`); a column of texts, dates and None (as the reports'
    frames hold them) as it is, with no value looked at twice (a whole student body's three date columns
    through `cell` took 1.5 s)."""
    return [values if series.dtype == object and set(map(type, values := series.tolist())) <= AS_IS
            else column_values(series) for series in (frame.iloc[:, i] for i in range(frame.shape[1]))]


T = TypeVar("T")


def _each_distinct(values: list[object], make: Callable[[object], T]) -> list[T]:
    """`make` of each of `values`, called once per distinct value (a list of the whole student body repeats
    its programmes, groups and results). A boolean and a number it equals (True, 1, 1.0) are told apart."""
    kinds = set(map(type, values))
    if len(kinds & {bool, int, float}) > 1:
        keyed = list(zip(map(type, values), values, strict=True))
        made_keyed = {key: make(key[1]) for key in set(keyed)}
        return list(map(made_keyed.__getitem__, keyed))
    made = {value: make(value) for value in set(values)}
    return list(map(made.__getitem__, values))


def _text_width(values: list[object]) -> int:
    """The longest of `values` as printed (`printed`), each distinct value measured once (a text as it is)."""
    return max((len(v) if type(v) is str else len(printed(v)) for v in set(values)), default=0)


class _Xlsx:
    """A workbook written by xlsxwriter in constant-memory mode (each row is flushed once the next
    begins, so rows are written in order) with the cell formats made once and shared: every text is
    written as a string (never a formula), one starting with = + - @, a tab or a carriage return
    also quote-prefixed (stays text when edited in Excel).

    A table's body (`rows`) does not go through xlsxwriter, whose 7–10 µs of Python a cell made a
    whole-university list (a million cells) take 7–10 s: each column's cells are made as sheet XML once
    per distinct value (`_CellXml`), xlsxwriter writes two placeholder cells at the body's first and
    last cell (so its rows, dimension and panes stay its own), and `close` puts the rows in their place
    in the sheet's XML, the package deflated at XLSX_DEFLATE_LEVEL."""

    def __init__(self, out: io.BytesIO) -> None:
        self.out = out
        self.book = xlsxwriter.Workbook(out, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "remove_timezone": True, "nan_inf_to_errors": True})
        self._formats: dict[tuple[bool, float | None, bool, str | None], Format | None] = {}
        self._token = uuid.uuid4().hex  # the placeholders' text: no report's text holds it
        self._bodies: dict[Worksheet, list[tuple[str, int, list[list[bytes]]]]] = {}

    def fmt(self, bold: bool = False, size: float | None = None, quote: bool = False,
            number: str | None = None) -> Format | None:
        key = (bold, size, quote, number)
        if key not in self._formats:
            props: dict[str, object] = {}
            if bold:
                props["bold"] = True
            if size:
                props["font_size"] = size
            if quote:
                props["quote_prefix"] = True
            if number:
                props["num_format"] = number
            self._formats[key] = self.book.add_format(props) if props else None
        return self._formats[key]

    def put(self, ws: Worksheet, row: int, col: int, value: object, bold: bool = False,
            size: float | None = None) -> None:
        """`value` (already `cell`) at 0-based (`row`, `col`): text as a string, dates and times with
        their number format, numbers and booleans typed; None leaves the cell empty."""
        if value is None:
            if bold or size:
                ws.write_blank(row, col, None, self.fmt(bold, size))
        elif isinstance(value, str):
            ws.write_string(row, col, value, self.fmt(bold, size, value.startswith(FORMULA_START)))
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, self.fmt(bold, size))
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, self.fmt(bold, size))
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, self.fmt(bold, size, number=DATETIME_FORMAT))
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, value, self.fmt(bold, size, number=DATE_FORMAT))
        else:
            text = str(value)
            ws.write_string(row, col, text, self.fmt(bold, size, text.startswith(FORMULA_START)))

    def rows(self, ws: Worksheet, first: int, columns: list[list[object]]) -> int:
        """The rows of `columns` (values as `cell` gives them) from row `first`, column A; the next free
        row. Written by `close`; here their cells' XML is made and their place held."""
        count = len(columns[0]) if columns else 0
        if not count:
            return first
        key = f"{self._token}-{sum(map(len, self._bodies.values()))}-"
        ws.write_string(first, 0, key + "a")
        if (count, len(columns)) != (1, 1):
            ws.write_string(first + count - 1, len(columns) - 1, key + "z")
        make = _CellXml(self, ws)
        self._bodies.setdefault(ws, []).append((key, first, [make.column(values) for values in columns]))
        return first + count

    def close(self) -> bytes:
        """The package's bytes: xlsxwriter's, with each body put in place of its placeholders."""
        self.book.close()
        data = self.out.getvalue()
        if not self._bodies:
            return data
        sheets = [ws for ws in self.book.worksheets() if not ws.is_chartsheet]  # numbered as xlsxwriter names them
        bodies = {f"xl/worksheets/sheet{n}.xml": self._bodies[ws]
                  for n, ws in enumerate(sheets, start=1) if ws in self._bodies}
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as package, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=XLSX_DEFLATE_LEVEL) as written:
            for info in package.infolist():
                xml = package.read(info)
                if info.filename not in bodies:
                    written.writestr(info.filename, xml)
                    continue
                with written.open(info.filename, "w") as fh:
                    done = 0
                    for key, first, cells in bodies.pop(info.filename):
                        start = xml.rindex(b"<row ", 0, xml.index(f">{key}a<".encode()))
                        last = xml.find(f">{key}z<".encode(), start)
                        end = xml.index(b"</row>", start if last < 0 else last) + len(b"</row>")
                        if not xml.startswith(f'<row r="{first + 1}"'.encode(), start):
                            raise AssertionError(f"the placeholder of row {first + 1} is not where it was written")
                        fh.write(xml[done:start])
                        for chunk in _rows_xml(first, cells):
                            fh.write(chunk)
                        done = end
                    fh.write(xml[done:])
        if bodies:
            raise AssertionError(f"no sheet XML for {sorted(bodies)}")
        return out.getvalue()


XLSX_DEFLATE_LEVEL = 3  # progression's sheet, 46 MB of XML: 0.17 s and 2.8 MB at 3 (as fast as 1, 3.0 MB),
#                          0.5 s and 2.3 MB at zlib's default 6
XLSX_MAX_TEXT = 32767  # characters in a cell (Excel's limit); xlsxwriter cuts a longer text there too
_XML_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # not allowed in XML 1.0: written _xHHHH_
_XML_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")  # a text that reads as such an escape keeps its underscore
_XML_CARE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")  # a text written other than as is


class _CellXml:
    """The `<c>` elements of a sheet's body as xlsxwriter writes them in constant-memory mode, without
    their reference (a row's cells follow each other from column A; an empty cell is `<c/>`): texts
    inline, quote-prefixed as `_Xlsx.put` writes them, control characters as `_xHHHH_`; numbers and
    booleans typed; dates and times as serial numbers in their number format. The styles are
    xlsxwriter's own (`Format._get_xf_index`, as its writer numbers them)."""

    def __init__(self, xl: _Xlsx, ws: Worksheet) -> None:
        self.ws = ws
        self._quote = xl.fmt(quote=True)
        self._date = xl.fmt(number=DATE_FORMAT)
        self._datetime = xl.fmt(number=DATETIME_FORMAT)

    def column(self, values: list[object]) -> list[bytes]:
        """Each value's element as UTF-8, made once per distinct value."""
        return _each_distinct(values, lambda value: self.cell(value).encode("utf-8"))

    def _style(self, fmt: Format | None) -> str:
        return f' s="{fmt._get_xf_index()}"' if fmt else ""  # noqa: SLF001 - the index xlsxwriter writes

    def cell(self, value: object) -> str:
        """One value's element."""
        if type(value) is str and len(value) <= XLSX_MAX_TEXT and not _XML_CARE.search(value) \
                and not value.startswith(FORMULA_START) and value.strip() == value:
            return f'<c t="inlineStr"><is><t>{value}</t></is></c>'  # most texts: nothing to escape or keep
        if value is None:
            return "<c/>"
        if isinstance(value, bool):
            return f'<c t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            if math.isnan(value) or math.isinf(value):  # as nan_inf_to_errors writes them
                formula, error = ("#NUM!", "#NUM!") if math.isnan(value) else \
                    ("1/0" if value > 0 else "-1/0", "#DIV/0!")
                return f'<c t="e"><f>{formula}</f><v>{error}</v></c>'
            return f"<c><v>{value:.16G}</v></c>"
        if isinstance(value, dt.datetime | dt.date):
            number = self.ws._convert_date_time(value)  # noqa: SLF001 - xlsxwriter's serial, its epoch and zone
            fmt = self._datetime if isinstance(value, dt.datetime) else self._date
            return f"<c{self._style(fmt)}><v>{number:.16G}</v></c>"
        text = (value if isinstance(value, str) else str(value))[:XLSX_MAX_TEXT]
        style = self._style(self._quote) if text.startswith(FORMULA_START) else ""
        text = _XML_CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", _XML_ESCAPE_LIKE.sub(r"_x005F\1", text))
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _rows_xml(first: int, cells: list[list[bytes]], chunk: int = 20_000) -> Iterator[bytes]:
    """The `<row>` elements of a body from 0-based row `first`, `chunk` rows at a time."""
    count = len(cells[0])
    for low in range(0, count, chunk):
        high = min(count, low + chunk)
        starts = [b'<row r="%d">' % n for n in range(first + low + 1, first + high + 1)]
        parts = zip(starts, *(column[low:high] for column in cells), itertools.repeat(b"</row>"))
        yield b"".join(itertools.chain.from_iterable(parts))


def to_xlsx(doc: ReportDocument, params: ReportParams, refreshed_at: dt.datetime | None) -> bytes:
    out = io.BytesIO()
    xl = _Xlsx(out)
    ws = xl.book.add_worksheet(_sheet_name(doc.title))
    widths: dict[int, int] = {}

    def put(row: int, col: int, value: object, bold: bool = False) -> None:
        """A cell sized into its column's width."""
        value = cell(value)
        xl.put(ws, row, col, value, bold)
        widths[col] = max(widths.get(col, 0), min(MAX_WIDTH, len(printed(value)) + 2))

    xl.put(ws, 0, 0, doc.title, bold=True, size=14)  # overflows; not sized
    row = 1  # the next free row (0-based)
    uni = university_name(params.lang)
    if uni:
        xl.put(ws, row, 0, uni)
        row += 1
    for label, value in heading_pairs(doc, params, refreshed_at.replace(tzinfo=None) if refreshed_at else None):
        put(row, 0, label, bold=True)
        put(row, 1, value)
        row += 1
    if doc.paragraphs:
        row += 1
    for paragraph in doc.paragraphs:
        xl.put(ws, row, 0, paragraph)
        row += 1
    frozen = False
    for section in doc.sections if not doc.sheet_per_section else ():
        row += 1  # one empty row before each section
        if section.heading:
            xl.put(ws, row, 0, section.heading, bold=True, size=12)
            row += 1
        for col, header in enumerate(section.frame.columns):
            put(row, col, str(header), bold=True)
        row += 1
        if not frozen:  # below the first section's header
            ws.freeze_panes(row, 0)
            frozen = True
        columns = _frame_columns(section.frame)
        for col, values in enumerate(columns):
            widths[col] = max(widths.get(col, 0), min(MAX_WIDTH, _text_width(values) + 2))
        row = xl.rows(ws, row, columns)
    if doc.signatories or doc.stamp_place:
        row += 1
    for position, name in doc.signatories:
        xl.put(ws, row, 0, position)
        xl.put(ws, row, 1, f"{'_' * 16} {name}")
        row += 1
    if doc.stamp_place:
        xl.put(ws, row, 0, doc.stamp_place)
    for col, width in widths.items():
        ws.set_column(col, col, max(width, 8))
    if doc.sheet_per_section:
        taken = {ws.name}
        for section in doc.sections:
            _form_sheet(xl, section, taken)
    return xl.close()


def _sheet_name(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip("'") or "Report"


def _sheet_title(heading: str, taken: set[str]) -> str:
    """A sheet name from a section heading: its part before the first full stop ("Раздел 1"), without the
    characters a sheet name may not hold, at most 31 characters, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", heading.split(".")[0]).strip()[:28] or "Sheet"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base} {n}"
    taken.add(name)
    return name


def _form_sheet(xl: _Xlsx, section: Section, taken: set[str]) -> None:
    """One section of a statistical form on a sheet of its own, as the form is entered: row 1 the column
    codes, column A the row codes, row 2 and column B the labels, the counts as numbers from C3; the
    heading in the printed page header."""
    ws = xl.book.add_worksheet(_sheet_title(section.heading, taken))
    frame = section.frame
    headers = section.headers or [str(c) for c in frame.columns]
    codes = section.column_codes or [""] * len(headers)
    for row, labels in enumerate((codes, headers)):  # a row at a time: constant memory writes rows in order
        for col, label in enumerate(labels):
            xl.put(ws, row, col, label, bold=True)
    columns = _frame_columns(frame)
    widths = [max(len(h), _text_width(values)) for h, values in zip(headers, columns, strict=True)]
    xl.rows(ws, 2, columns)
    ws.freeze_panes(2, 2)
    ws.set_header("&C" + section.heading.replace("&", "&&"))
    for col, width in enumerate(widths):
        ws.set_column(col, col, max(min(width + 2, MAX_WIDTH if col == 1 else 24), 6))


def to_csv(doc: ReportDocument, params: ReportParams) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if not doc.sections:  # a document without tables: its parameters as label, value
        writer.writerows([[_csv_value(v) for v in pair] for pair in doc.parameters])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if len(doc.sections) == 1:
        frame = doc.sections[0].frame
        writer.writerow([_csv_value(str(c)) for c in frame.columns])
        body = [_csv_lines(_frame_columns(frame), len(frame))]
    else:
        columns: list[str] = []
        for section in doc.sections:
            columns += [str(c) for c in section.frame.columns if str(c) not in columns]
        writer.writerow([_csv_value(t("report_section", params.lang)), *map(_csv_value, columns)])
        body = []
        for section in doc.sections:
            rows = len(section.frame)
            values = _frame_columns(section.frame)
            at = {str(c): i for i, c in enumerate(section.frame.columns)}  # a name twice: its last column
            body.append(_csv_lines([[section.heading] * rows,
                                    *(values[at[c]] if c in at else [None] * rows for c in columns)], rows))
    return b"".join([("\ufeff" + out.getvalue()).encode("utf-8"), *body])


def _csv_lines(columns: list[list[object]], rows: int) -> bytes:
    """The rows of `columns` as csv.writer writes them (`_csv_value` of each value, quoted where it holds a
    comma, a quote or a line break, lines ending in CR LF), in UTF-8; each distinct value of a column
    converted once and the lines joined whole (csv.writer took 3 s for a whole student body's rows)."""
    if not columns:
        return b"\r\n" * rows
    last = len(columns) - 1

    def field(value: object, end: bytes, alone: bool) -> bytes:
        text = _csv_value(value)
        text = text if isinstance(text, str) else str(text)
        if any(c in text for c in ',"\r\n') or (alone and not text):  # csv.writer: a lone empty field is ""
            text = '"' + text.replace('"', '""') + '"'
        return text.encode("utf-8") + end

    cells = [_each_distinct(values, functools.partial(field, end=b"\r\n" if i == last else b",", alone=not last))
             for i, values in enumerate(columns)]
    return b"".join(itertools.chain.from_iterable(zip(*cells, strict=True)))


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # text, not a formula, in a spreadsheet
    return value


class _CollectorPause:
    """Python's cyclic garbage collector paused while at least one document renders, in any thread (the
    dashboards' server renders in one thread per session): the first renderer in turns it off, the last
    one out turns it back on if it was on when the first came in. A whole-university PDF is a graph of
    frames, pages and operators that the collector would traverse again and again (about 146 collections,
    0.15-0.2 s of CPU) to find no cycle to free; what a render leaves for the collector is collected once it
    is back on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._renders = 0  # renders under way
        self._was_enabled = False  # whether the collector was on when the first of them began

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if not self._renders:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._renders += 1
        try:
            yield
        finally:
            with self._lock:
                self._renders -= 1
                if not self._renders and self._was_enabled:
                    gc.enable()


collector_paused = _CollectorPause()


def render(doc: ReportDocument, fmt: str, params: ReportParams, refreshed_at: dt.datetime | None) -> bytes:
    """The document in `fmt` (xlsx, csv or pdf), with the cyclic garbage collector paused (`collector_paused`)."""
    writers: dict[str, Callable[[], bytes]] = {
        "xlsx": lambda: to_xlsx(doc, params, refreshed_at), "csv": lambda: to_csv(doc, params),
        "pdf": lambda: pdf.to_pdf(doc, params, refreshed_at)}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}")
    with collector_paused():
        return writers[fmt]()


def write_atomically(data: bytes, out: Path) -> None:
    """Write to a temporary file beside `out`, then rename it over `out`: a failure never leaves
    a partial file. The file is the account's only (0600, as mkstemp makes it): a report holds
    personal data."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


