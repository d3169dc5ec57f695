"""Reading extracts as real AIS exports come: CSV or XLSX, UTF-8 (with or without BOM)
or Windows-1251, comma or semicolon delimited.

Every file is rewritten as one normalised UTF-8 CSV (lower-case header, a leading
`_row` column with the row number a spreadsheet would show) so that validation and
loading work on one shape whatever the source looked like. Value formats (dates,
decimal commas) are left as they are: the validator parses them, so it can name a
value it cannot read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from extract.defects import Defect

EXTENSIONS = (".csv", ".xlsx")
HEADER_SEARCH_ROWS = 10  # how far down an XLSX is searched for a misplaced header
_BOM = codecs.BOM_UTF8


@dataclass
class ReadResult:
    """What reading one file gave: its header, how many data rows, its defects."""

    file: str
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    encoding: str = ""
    delimiter: str = ""
    defects: list[Defect] = field(default_factory=list)


def find_extract(extract_dir: Path, entity: str) -> Path | None:
    """The file for an entity: `<entity>.csv` or `<entity>.xlsx`, any case."""
    for path in sorted(extract_dir.iterdir()):
        if path.is_file() and path.stem.lower() == entity and path.suffix.lower() in EXTENSIONS:
            return path
    return None


def detect_encoding(path: Path) -> str | None:
    """utf-8-sig, utf-8 or cp1251; None when the bytes are not text in any of them."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(_BOM):
            return "utf-8-sig"
    for encoding in ("utf-8", "cp1251"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    if b"\x00" in chunk:
                        return None
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def _detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _open_csv(path: Path, result: ReadResult) -> str | None:
    """The file's encoding (its delimiter goes into `result`); None, with a defect, when unreadable."""
    encoding = detect_encoding(path)
    if encoding is None:
        result.defects.append(
            Defect(path.name, 0, "", "", "unreadable encoding: the file is not text in UTF-8 or Windows-1251")
        )
        return None
    result.encoding = encoding
    with path.open("r", encoding=encoding, newline="") as fh:
        first = fh.readline()
    result.delimiter = _detect_delimiter(first)
    return encoding


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xlsx_rows(path: Path, result: ReadResult) -> Iterator[tuple[int, list[str]]] | None:
    import openpyxl  # imported here: only XLSX extracts pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        result.defects.append(Defect(path.name, 0, "", "", f"unreadable XLSX workbook ({exc.__class__.__name__})"))
        return None
    result.encoding, result.delimiter = "xlsx", ""
    sheet = book.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in values]
        finally:
            book.close()

    return rows()


def normalise(path: Path, out_csv: Path, known_columns: tuple[str, ...]) -> ReadResult:
    """Rewrite `path` as a normalised UTF-8 CSV at `out_csv`; report structural defects.

    Structural defects are an empty file, a header that is not on row 1, a repeated
    column name, and rows whose number of fields differs from the header's (a
    truncated or mis-delimited file). Blank rows are skipped. A CSV keeps its delimiter
    (`ReadResult.delimiter`); an XLSX sheet is written comma-delimited.
    """
    result = ReadResult(file=path.name)
    if path.stat().st_size == 0:
        result.defects.append(Defect(path.name, 0, "", "", "empty file: no header row"))
        return result
    known = set(known_columns)
    if path.suffix.lower() == ".xlsx":
        source = _xlsx_rows(path, result)
        if source is not None:
            _write_records(source, out_csv, known, result)
    else:
        encoding = _open_csv(path, result)
        if encoding is not None:
            _write_csv_lines(path, encoding, out_csv, known, result)
    if not result.columns and not result.defects:
        result.defects.append(Defect(path.name, 0, "", "", "empty file: no header row"))
    return result


def _header(line: int, record: list[str], known: set[str], result: ReadResult) -> list[str] | None:
    """The column names of the header record; None (with a defect) when it is no header."""
    names = [c.strip().lower() for c in record]
    while names and names[-1] == "":
        names.pop()
    if not known.intersection(names) and result.encoding == "xlsx" and line < HEADER_SEARCH_ROWS:
        # A title or a note above the header: say so rather than "missing columns".
        result.defects.append(
            Defect(result.file, line, "", record[0] if record else "",
                   "header row: the column names must be on row 1 (extra rows above the header)")
        )
        return None
    dupes = sorted({n for n in names if names.count(n) > 1 and n})
    for name in dupes:
        result.defects.append(Defect(result.file, line, name, name, "header row: column named twice"))
    result.columns = names
    return names


def _fit(line: int, record: list[str], width: int, result: ReadResult) -> list[str] | None:
    """The record cut to the header's width, or None (with a defect) when its length is wrong."""
    if len(record) == width:
        return record
    if len(record) > width and not any(c.strip() for c in record[width:]):
        return record[:width]  # trailing empty cells, as spreadsheets export
    result.defects.append(
        Defect(result.file, line, "", _preview(record),
               f"row length: {len(record)} fields where the header has {width}"
               " (truncated or wrongly delimited row)")
    )
    return None


class _Normalised:
    """The normalised file as it is written: the header record first, then every record that fits it."""

    def __init__(self, out: TextIO, delimiter: str, known: set[str], result: ReadResult) -> None:
        self.writer = csv.writer(out, delimiter=delimiter)  # ends rows "\r\n", so a cell holding either is quoted
        self.known = known
        self.result = result
        self.header: list[str] | None = None

    def add(self, line: int, record: list[str]) -> bool:
        """Take one record (a blank one is skipped); False when the first record is no header."""
        if not any(cell.strip() for cell in record):
            return True
        if self.header is None:
            self.header = _header(line, record, self.known, self.result)
            if self.header is not None:
                self.writer.writerow(["_row", *self.header])
            return self.header is not None
        fitted = _fit(line, record, len(self.header), self.result)
        if fitted is not None:
            self.result.rows += 1
            self.writer.writerow([line, *fitted])
        return True


def _write_records(source: Iterator[tuple[int, list[str]]], out_csv: Path, known: set[str],
                   result: ReadResult) -> None:
    """Normalise a sheet given as (spreadsheet row, cells) pairs."""
    with out_csv.open("w", encoding="utf-8", newline="") as out:
        normalised = _Normalised(out, ",", known, result)
        for line, record in source:
            if not normalised.add(line, record):
                return


@functools.cache
def _blank_characters(delimiter: str) -> str:
    """The delimiter and every character str.strip() removes: a line of only these is a blank row."""
    return delimiter + "".join(ch for ch in map(chr, range(0x110000)) if ch.isspace())


def _write_csv_lines(path: Path, encoding: str, out_csv: Path, known: set[str], result: ReadResult) -> None:
    """Normalise a CSV line by line, keeping its delimiter.

    The row number is the file's line, exactly as `csv.reader.line_num` counts it (the
    last line of a record whose quoted cell spans lines). A line without a quote is one
    record whose cells are its delimiter-separated parts, so it is checked and copied as
    text. So is the line of a fully quoted export whose every cell is whole in quotes and
    holds no quote itself (`"a","b,c",""`): DuckDB reads those quotes as `csv` does. Any
    other line with a quote is parsed by the `csv` module, which reads on into the next
    lines while a quoted cell is open, and its record is written back quoted. All three
    give the same records as parsing the whole file with `csv`, at a fraction of the cost.
    """
    delim = result.delimiter
    blank = _blank_characters(delim)
    separator = f'"{delim}"'  # between two quoted cells
    quoted_blank = blank + '"'
    line_no = 0
    with path.open("r", encoding=encoding, newline="") as fh, \
            out_csv.open("w", encoding="utf-8", newline="") as out:
        normalised = _Normalised(out, delim, known, result)
        width = -1  # no header yet
        copied: list[str] = []  # the common rows, written in batches (one write per row is slower)
        lines = iter(fh)
        for text in lines:
            line_no += 1
            if '"' in text:
                body = text.rstrip("\r\n")
                inner = body[1:-1]
                # every quote of the line opens or closes a whole cell: the first and the last, and
                # the two of each separator between cells, which a cell's own quote would outnumber
                if (body[:1] == '"' and body[-1:] == '"' and len(body) > 1
                        and inner.count(separator) == width - 1 and inner.count('"') == 2 * (width - 1)
                        and body.strip(quoted_blank)):  # a blank-looking row goes to csv, which knows
                    copied.append(f"{line_no}{delim}{body}\r\n")
                    if len(copied) == 10_000:
                        _flush(out, copied, result)
                    continue
                reader = csv.reader(itertools.chain((text,), lines), delimiter=delim)
                record = next(reader, [])
                line_no += reader.line_num - 1
            else:
                body = text.rstrip("\r\n")  # a line holds one terminator, at its end
                if not body.strip(blank):
                    continue
                if body.count(delim) + 1 == width:  # the common row: copied as it is
                    copied.append(f"{line_no}{delim}{body}\r\n")
                    if len(copied) == 10_000:
                        _flush(out, copied, result)
                    continue
                record = body.split(delim)
            _flush(out, copied, result)
            if not normalised.add(line_no, record):
                return
            if normalised.header is not None:
                width = len(normalised.header)
        _flush(out, copied, result)


def _flush(out: TextIO, copied: list[str], result: ReadResult) -> None:
    """Write the copied rows waiting in `copied` and count them."""
    out.writelines(copied)
    result.rows += len(copied)
    copied.clear()


def _preview(record: list[str], limit: int = 60) -> str:
    text = io.StringIO()
    csv.writer(text).writerow(record)
    value = text.getvalue().strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"
