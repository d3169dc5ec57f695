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
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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


def _csv_rows(path: Path, result: ReadResult) -> Iterator[tuple[int, list[str]]] | None:
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

    def rows() -> Iterator[tuple[int, list[str]]]:
        with path.open("r", encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=result.delimiter)
            for record in reader:
                yield reader.line_num, record

    return rows()


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
    truncated or mis-delimited file). Blank rows are skipped.
    """
    result = ReadResult(file=path.name)
    if path.stat().st_size == 0:
        result.defects.append(Defect(path.name, 0, "", "", "empty file: no header row"))
        return result
    source = _xlsx_rows(path, result) if path.suffix.lower() == ".xlsx" else _csv_rows(path, result)
    if source is None:
        return result

    known = set(known_columns)
    header: list[str] | None = None
    with out_csv.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for line, record in source:
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                names = [c.strip().lower() for c in record]
                while names and names[-1] == "":
                    names.pop()
                if not known.intersection(names) and result.encoding == "xlsx" and line < HEADER_SEARCH_ROWS:
                    # A title or a note above the header: say so rather than "missing columns".
                    result.defects.append(
                        Defect(path.name, line, "", record[0] if record else "",
                               "header row: the column names must be on row 1 (extra rows above the header)")
                    )
                    return result
                header = names
                dupes = sorted({n for n in names if names.count(n) > 1 and n})
                for name in dupes:
                    result.defects.append(Defect(path.name, line, name, name, "header row: column named twice"))
                result.columns = names
                writer.writerow(["_row", *names])
                continue
            if len(record) != len(header):
                extra = record[len(header):]
                if len(record) > len(header) and not any(c.strip() for c in extra):
                    record = record[: len(header)]  # trailing empty cells, as spreadsheets export
                else:
                    result.defects.append(
                        Defect(path.name, line, "", _preview(record),
                               f"row length: {len(record)} fields where the header has {len(header)}"
                               " (truncated or wrongly delimited row)")
                    )
                    continue
            result.rows += 1
            writer.writerow([line, *record])
    if header is None:
        result.defects.append(Defect(path.name, 0, "", "", "empty file: no header row"))
    return result


def _preview(record: list[str], limit: int = 60) -> str:
    text = io.StringIO()
    csv.writer(text).writerow(record)
    value = text.getvalue().strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"
