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
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from extract.defects import Defect

EXTENSIONS = (".csv", ".xlsx")
HEADER_SEARCH_ROWS = 10  # how far down an XLSX is searched for a misplaced header
_BOM = codecs.BOM_UTF8
_QUOTE = '"'
_NO_QUOTES = {ord(_QUOTE): None}


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


@functools.cache
def _blank_line(delimiter: str) -> re.Pattern[str]:
    """A line of blank characters between two line feeds (`\\s` is str.isspace, as strip() uses)."""
    return re.compile(r"\n[\s" + re.escape(delimiter) + r"]*\n")


BLOCK_CHARACTERS = 1 << 18  # a CSV is read in blocks of whole lines of about this many characters


def _blocks(fh: TextIO) -> Iterator[str]:
    """The file in blocks that end where a line ends."""
    while block := fh.read(BLOCK_CHARACTERS):
        yield block + fh.readline()


def _write_csv_lines(path: Path, encoding: str, out_csv: Path, known: set[str], result: ReadResult) -> None:
    """Normalise a CSV block by block, keeping its delimiter.

    The row number is the file's line, exactly as `csv.reader.line_num` counts it (the
    last line of a record whose quoted cell spans lines). A block whose every line is one
    record of the header's width, quote-free or with every cell whole in quotes (`"a","b",""`),
    none holding a quote or the delimiter, and no line blank, is written in one go, without
    its quotes, each line after its number. Any other block is read line by line
    (`_Lines`). Both give what parsing the whole file with `csv` gives, and a file written
    fully quoted gives the same normalised file as the same records quoted only where needed.
    """
    with path.open("r", encoding=encoding, newline="") as fh, \
            out_csv.open("w", encoding="utf-8", newline="") as out:
        lines = _Lines(out, known, result)
        rest = iter(fh.readline, "")  # the lines after the current block, for a cell spanning lines
        for block in _blocks(fh):
            if not lines.copy_block(block) and not lines.read(iter(io.StringIO(block, newline="")), rest):
                return
        lines.flush()


class _Lines:
    """The reader's state across blocks: the line number, the header's width, the rows waiting to be written."""

    def __init__(self, out: TextIO, known: set[str], result: ReadResult) -> None:
        self.out = out
        self.result = result
        self.delim = delim = result.delimiter
        self.normalised = _Normalised(out, delim, known, result)
        self.blank = _blank_characters(delim)
        self.blank_line = _blank_line(delim)
        self.numbered = ("{}" + delim + "{}\r\n").format  # delim is one of , ; and tab: no brace
        self.width = -1  # no header yet
        self.line_no = 0
        self.copied: list[str] = []  # the common rows, written in batches (one write per row is slower)

    def copy_block(self, block: str) -> bool:
        """Write `block` in one go when every line of it is a plain record (see `_write_csv_lines`)."""
        width, delim = self.width, self.delim
        if width < 1:
            return False
        text = block
        if "\r" in text:  # the lines end in \r\n or in \r alone: as \n, when the block keeps to one
            if text.count("\r") == text.count("\r\n"):
                text = text.replace("\r\n", "\n")
            elif "\n" not in text:
                text = text.replace("\r", "\n")
            else:
                return False
        if not text.endswith("\n"):
            text += "\n"  # the file's last line, without an ending: read as if it had one
        if '"' in text:
            # Every quote must open or close a whole cell: one at each end of the block, one on each side
            # of every line break between lines and of every delimiter (each line's delimiters are
            # counted below), and no other. The counts say so once no quote serves two of these
            # places (as in `","\n"`), which a line of one cell or starting or ending in a delimiter
            # would need.
            lines = text.count("\n")
            if (width < 2 or text[:1] != '"' or text[1:2] == delim or not text.endswith('"\n')
                    or text.count('"') != 2 * width * lines
                    or text.count(f'"{delim}"') != (width - 1) * lines
                    or text.count('"\n"') != lines - 1
                    or f'\n"{delim}' in text or f'{delim}"\n' in text):
                return False
            # deleting a character: translate() is the faster in ASCII text, replace() in any other
            text = text.translate(_NO_QUOTES) if text.isascii() else text.replace(_QUOTE, "")
        bodies = text.split("\n")
        bodies.pop()  # after the last line's ending
        if (list(map(str.count, bodies, itertools.repeat(delim))).count(width - 1) != len(bodies)
                or self.blank_line.search("\n" + text)):
            return False  # a line of another width, or a blank one: read line by line
        self.flush()
        start = self.line_no + 1
        self.line_no += len(bodies)
        self.out.write("".join(map(self.numbered, range(start, self.line_no + 1), bodies)))
        self.result.rows += len(bodies)
        return True

    def read(self, lines: Iterator[str], rest: Iterator[str]) -> bool:
        """Read a block line by line; False when the first record is no header (nothing more is read).

        A line without a quote is one record whose cells are its delimiter-separated parts. So
        is a line whose every cell is whole in quotes and holds no quote (`"a","b,c",""`): its
        cells are what lies between the quotes. Any other line with a quote is parsed by the
        `csv` module, which reads on into the next lines (of the block, then of `rest`) while a
        quoted cell is open. A record of the header's width with no cell holding the delimiter
        is copied as text, unquoted; any other goes through `_Normalised`.
        """
        delim, blank, copied, normalised = self.delim, self.blank, self.copied, self.normalised
        separator = f'"{delim}"'  # between two quoted cells
        quoted_blank = blank + _QUOTE
        width = self.width
        for text in lines:
            self.line_no += 1
            body = text.rstrip("\r\n")  # a line holds one terminator, at its end
            if '"' in text:
                inner = body[1:-1]
                # every quote of the line opens or closes a whole cell: the first and the last, and
                # the two of each separator between cells, which a cell's own quote would outnumber
                if (body[:1] == '"' and body[-1:] == '"' and len(body) > 1
                        and inner.count(separator) == width - 1 and inner.count('"') == 2 * (width - 1)):
                    if inner.count(delim) == width - 1 and inner.strip(quoted_blank):
                        copied.append(f"{self.line_no}{delim}{inner.replace(_QUOTE, '')}\r\n")
                        if len(copied) == 10_000:
                            self.flush()
                        continue
                    record = inner.split(separator)  # a cell holds the delimiter, or the row looks blank
                else:
                    reader = csv.reader(itertools.chain((text,), lines, rest), delimiter=delim)
                    record = next(reader, [])
                    self.line_no += reader.line_num - 1
            else:
                if not body.strip(blank):
                    continue
                if body.count(delim) + 1 == width:  # the common row: copied as it is
                    copied.append(f"{self.line_no}{delim}{body}\r\n")
                    if len(copied) == 10_000:
                        self.flush()
                    continue
                record = body.split(delim)
            self.flush()
            if not normalised.add(self.line_no, record):
                return False
            if normalised.header is not None:
                self.width = width = len(normalised.header)
        self.flush()
        return True

    def flush(self) -> None:
        """Write the copied rows waiting and count them."""
        self.out.writelines(self.copied)
        self.result.rows += len(self.copied)
        self.copied.clear()


def _preview(record: list[str], limit: int = 60) -> str:
    text = io.StringIO()
    csv.writer(text).writerow(record)
    value = text.getvalue().strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"
