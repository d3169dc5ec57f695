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
import contextlib
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
from typing import BinaryIO, TextIO

from extract.defects import Defect

EXTENSIONS = (".csv", ".xlsx")
HEADER_SEARCH_ROWS = 10  # how far down an XLSX is searched for a misplaced header
_BOM = codecs.BOM_UTF8
_QUOTE = '"'


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
                    if not (chunk.isascii() and not decoder.getstate()[0]):  # ASCII is text in both
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
    return _headed(result)


def read_header(path: Path, known_columns: tuple[str, ...]) -> ReadResult:
    """What `normalise` finds of `path` up to its header, without reading on: the encoding, the
    delimiter, the columns and any defect of the header (`rows` stays 0). For a file whose rows were
    read before: the encoding is found as `normalise` finds it, and the records are the same records."""
    result = ReadResult(file=path.name)
    if path.stat().st_size == 0:
        result.defects.append(Defect(path.name, 0, "", "", "empty file: no header row"))
        return result
    header = _Normalised(io.StringIO(), ",", set(known_columns), result)  # the header is written nowhere
    if path.suffix.lower() == ".xlsx":
        source = _xlsx_rows(path, result)
        if source is not None:
            with contextlib.closing(source):  # closes the workbook
                for line, record in source:
                    if not header.add(line, record) or header.header is not None:
                        break
    elif (encoding := _open_csv(path, result)) is not None:
        with path.open("r", encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=result.delimiter)
            for record in reader:
                if not header.add(reader.line_num, record) or header.header is not None:
                    break
    return _headed(result)


def _headed(result: ReadResult) -> ReadResult:
    """`result`, with a defect when reading found neither a header nor a reason for none."""
    if not result.columns and not result.defects:
        result.defects.append(Defect(result.file, 0, "", "", "empty file: no header row"))
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
def _blank_line(delimiter: str, codec: str) -> re.Pattern[bytes]:
    """A line of blank characters between two line feeds, in the file's bytes: each of
    `_blank_characters` as `codec` encodes it (one byte, or a whole UTF-8 sequence), so it finds
    exactly the lines that `str.strip` of the decoded text would leave empty."""
    single, multi = set(), set()
    for ch in _blank_characters(delimiter):
        try:
            encoded = ch.encode(codec)
        except UnicodeEncodeError:
            continue  # not in the encoding: cannot occur in the file
        (single if len(encoded) == 1 else multi).add(encoded)
    options = [b"[" + b"".join(re.escape(b) for b in sorted(single)) + b"]",
               *(re.escape(b) for b in sorted(multi))]
    return re.compile(b"\n(?:" + b"|".join(options) + b")*\n")


BLOCK_CHARACTERS = 1 << 18  # a CSV is read in blocks of whole lines of about this many bytes


class _Source:
    """A CSV file's text as blocks of whole lines, in its own bytes, and the lines after the
    current block (decoded) for a quoted cell that spans lines.

    The file is read as bytes: in UTF-8 and Windows-1251 a quote, a delimiter, CR and LF are
    one byte each and no other character contains them, so a block ending at a line feed holds
    whole lines and whole characters, and a block copied in one go is never decoded. A file whose
    first line ends in CR alone (no line feed for a block to end at) is read as text instead,
    each block encoded again.
    """

    def __init__(self, path: Path, encoding: str) -> None:
        self.codec = "utf-8" if encoding == "utf-8-sig" else encoding  # the BOM skipped below
        with path.open("r", encoding=encoding, newline="") as fh:
            first = fh.readline()
        self.text_mode = first.endswith("\r")
        if self.text_mode:
            self.fh: BinaryIO | TextIO = path.open("r", encoding=encoding, newline="")
        else:
            self.fh = path.open("rb")
            if encoding == "utf-8-sig":
                self.fh.read(len(_BOM))
        self.pending: list[str] = []  # lines read ahead of the next block, not yet parsed

    def blocks(self) -> Iterator[bytes]:
        """The file in blocks that end where a line ends."""
        fh = self.fh
        while block := fh.read(BLOCK_CHARACTERS):
            block += fh.readline()
            yield block.encode(self.codec) if isinstance(block, str) else block

    def decode(self, block: bytes) -> str:
        return block.decode(self.codec)

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        """The next line after the current block (a line ends at CR, LF or CRLF, as `csv` wants)."""
        if not self.pending:
            line = self.fh.readline()
            if not line:
                raise StopIteration
            if isinstance(line, str):
                return line
            self.pending = list(io.StringIO(self.decode(line), newline=""))[::-1]  # a lone CR ends a line too
        return self.pending.pop()

    def take_pending(self) -> str:
        """The lines read ahead and not parsed (the rest of a line holding a lone CR)."""
        text = "".join(reversed(self.pending))
        self.pending.clear()
        return text


def _write_csv_lines(path: Path, encoding: str, out_csv: Path, known: set[str], result: ReadResult) -> None:
    """Normalise a CSV block by block, keeping its delimiter.

    The row number is the file's line, exactly as `csv.reader.line_num` counts it (the
    last line of a record whose quoted cell spans lines). A block whose every line is one
    record of the header's width, quote-free or with every cell whole in quotes (`"a","b",""`),
    none holding a quote or the delimiter, and no line blank, is written in one go, without
    its quotes, each line after its number (`_Lines.copy_block`). Any other block is decoded
    and read line by line (`_Lines.read`). Both give what parsing the whole file with `csv`
    gives, and a file written fully quoted gives the same normalised file as the same records
    quoted only where needed.
    """
    source = _Source(path, encoding)
    with source.fh, io.TextIOWrapper(out_csv.open("wb"), encoding="utf-8", newline="", write_through=True) as out:
        lines = _Lines(out, out.buffer, source.codec, known, result)
        for block in source.blocks():
            if source.pending:  # a record spanning lines ended inside a line holding a lone CR
                text = source.take_pending() + source.decode(block)
                if not lines.read(iter(io.StringIO(text, newline="")), source):
                    return
            elif not lines.copy_block(block) and not lines.read(
                    iter(io.StringIO(source.decode(block), newline="")), source):
                return
        if source.pending and not lines.read(iter(io.StringIO(source.take_pending(), newline="")), source):
            return
        lines.flush()


class _Lines:
    """The reader's state across blocks: the line number, the header's width, the rows waiting to be written."""

    def __init__(self, out: TextIO, raw: BinaryIO, codec: str, known: set[str], result: ReadResult) -> None:
        self.out = out  # the normalised file as text (the header, and the rows read line by line) ...
        self.raw = raw  # ... and as UTF-8 bytes, under it (blocks copied in one go)
        self.recode = codec != "utf-8"  # a copied block is decoded and written as UTF-8
        self.codec = codec
        self.result = result
        self.delim = delim = result.delimiter
        self.normalised = _Normalised(out, delim, known, result)
        self.blank = _blank_characters(delim)
        self.blank_line = _blank_line(delim, codec)
        bdelim = delim.encode()
        self.bdelim = bdelim
        self.cell_ends = bytes.maketrans(bdelim, b"\n")  # every delimiter a line feed: one cell per line
        self.numbered = b"%d" + bdelim + b"%b\r\n"  # a line as written; delim is one of , ; and tab: no %
        self.width = -1  # no header yet
        self.line_no = 0
        self.copied: list[str] = []  # the common rows, written in batches (one write per row is slower)

    def copy_block(self, block: bytes) -> bool:
        """Write `block` in one go when every line of it is a plain record (see `_write_csv_lines`)."""
        width, delim = self.width, self.bdelim
        if width < 1:
            return False
        text = block
        if b"\r" in text:  # the lines end in \r\n or in \r alone: as \n, when the block keeps to one
            if text.count(b"\r") == text.count(b"\r\n"):
                text = text.replace(b"\r\n", b"\n")
            elif b"\n" not in text:
                text = text.replace(b"\r", b"\n")
            else:
                return False
        if not text.endswith(b"\n"):
            text += b"\n"  # the file's last line, without an ending: read as if it had one
        if b'"' in text:
            # With every delimiter made a line feed, each cell is one line of `cells`. Each of those
            # lines must be a whole quoted cell: the block starts with a quote, every line feed but
            # the last stands between two quotes (counted in non-overlapping threes, so no quote
            # serves two line feeds), the last follows one, neither the first nor the last cell is
            # a lone quote (which would serve two places at an end), and the block holds two quotes
            # per cell and no more: then no cell holds a quote, and (the delimiters counted per line
            # below) none the delimiter or a line break.
            cells = text.translate(self.cell_ends)
            n = width * text.count(b"\n")
            if (width < 2 or cells[:1] != b'"' or cells[1:2] == b"\n" or cells[-2:] != b'"\n'
                    or cells[-3:-2] == b"\n" or cells.count(b'"\n"') != n - 1):
                return False
            unquoted = text.translate(None, b'"')
            if len(text) - len(unquoted) != 2 * n:
                return False
            text = unquoted
        bodies = text.split(b"\n")
        bodies.pop()  # after the last line's ending
        if (list(map(bytes.count, bodies, itertools.repeat(delim))).count(width - 1) != len(bodies)
                or self.blank_line.search(b"\n" + text)):
            return False  # a line of another width, or a blank one: read line by line
        self.flush()
        start = self.line_no + 1
        self.line_no += len(bodies)
        # one format for the block's lines: no call per line
        data = (self.numbered * len(bodies)) % tuple(itertools.chain.from_iterable(zip(itertools.count(start), bodies)))
        self.raw.write(data.decode(self.codec).encode() if self.recode else data)
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
        self.out.write("".join(self.copied))
        self.result.rows += len(self.copied)
        self.copied.clear()


def _preview(record: list[str], limit: int = 60) -> str:
    text = io.StringIO()
    csv.writer(text).writerow(record)
    value = text.getvalue().strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"
