"""The reader's fast paths give exactly what parsing the whole file with the `csv` module gives.

`extract/read.py` copies most lines as text (a quote-free line, and a fully quoted line whose
cells hold no quote) and parses only the rest with `csv`. A generated corpus of CSV files, in
every shape an export takes (three delimiters, three encodings, three line endings, quoted
everywhere, quoted where needed, quoted badly; cells holding the delimiter, a line break, a
doubled quote; blank, short, long and delimiter-only rows), must give the same header, row
count, defects (rows, values, messages) and normalised file, byte for byte, as the one-parser
reference below; and the same records written fully quoted and quoted only where needed give
the same normalised file and defects. Files are read in blocks of lines (`BLOCK_CHARACTERS`),
here set small so that a generated file of a few lines spans several blocks.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import duckdb
import pytest

import extract.read
from extract.contract import entity
from extract.defects import Defect
from extract.load import _land
from extract.read import ReadResult, _Lines, _Normalised, _open_csv, normalise

KNOWN = entity("students").column_names
FILES = 300  # about 2 s of CPU each; the block reader was also checked on 4,000 more and 20,000 random-quote files
BLOCK_SIZES = [1, 3, 10, 40, 100, 1 << 18]  # characters: a line per block up to the whole file


def reference_normalise(path: Path, out_csv: Path, known: tuple[str, ...]) -> ReadResult:
    """The reader's contract in one parser: every record as `csv.reader` reads the whole file,
    numbered by `csv.reader.line_num`."""
    result = ReadResult(file=path.name)
    if path.stat().st_size == 0:
        return normalise(path, out_csv, known)  # no line to parse: the same defect either way
    encoding = _open_csv(path, result)
    assert encoding is not None
    with path.open("r", encoding=encoding, newline="") as fh, out_csv.open("w", encoding="utf-8", newline="") as out:
        normalised = _Normalised(out, result.delimiter, set(known), result)
        reader = csv.reader(fh, delimiter=result.delimiter)
        for record in reader:
            if not normalised.add(reader.line_num, record):
                break
    if not result.columns and not result.defects:
        result.defects.append(Defect(path.name, 0, "", "", "empty file: no header row"))
    return result


def _cell(rng: random.Random, delim: str, cyrillic: str) -> str:
    parts = ["", "a", "42", cyrillic, " ", "  b ", delim, '"', '""', "\n", "\r\n", "x y", "2024-09-01", "3,5"]
    weights = [6, 8, 6, 4, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2]
    return "".join(rng.choices(parts, weights, k=rng.choice([1, 1, 1, 2, 3])))


def _quoted_badly(rng: random.Random, cells: list[str], delim: str) -> str:
    """A record written as a careless exporter does: quotes where they do not belong."""
    out = []
    for cell in cells:
        clean = cell.replace("\r", "").replace("\n", "").replace(delim, "")
        out.append(rng.choice([clean, f'"{clean}"', f'{clean}"', f'"{clean}', f' "{clean}"', f'"{clean}"x']))
    return delim.join(out)


def generate(rng: random.Random) -> tuple[bytes, str]:
    """One CSV file's bytes, and a word saying how it was written (for a failure's message)."""
    delim = rng.choice([",", ";", "\t"])
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1251"])
    ending = rng.choice(["\n", "\r\n", "\r"])
    style = rng.choice(["all", "all", "minimal", "badly", "mixed"])
    cyrillic = "Жан" if encoding == "cp1251" else "Әлем"
    width = rng.randint(1, 6)
    header = rng.sample(list(KNOWN), k=min(width, len(KNOWN)))
    text = io.StringIO()
    quoting = csv.QUOTE_ALL if style == "all" else csv.QUOTE_MINIMAL
    writer = csv.writer(text, delimiter=delim, lineterminator=ending, quoting=quoting)
    writer.writerow(header)
    for _ in range(rng.randint(0, 25)):
        roll = rng.random()
        if roll < 0.06:
            text.write(ending)  # a blank line
            continue
        if roll < 0.10:
            text.write(rng.choice([delim * (width - 1), '""' + (delim + '""') * (width - 1), " ", f'"{delim}"',
                                   '"' + delim + '"' + delim + '" "']) + ending)
            continue
        n = width if rng.random() < 0.8 else rng.choice([max(width - 1, 1), width + 1, width + 2])
        cells = [_cell(rng, delim, cyrillic) for _ in range(n)]
        if n > width and rng.random() < 0.5:
            cells[width:] = [""] * (n - width)  # trailing empty cells, as spreadsheets export
        if style == "badly" or (style == "mixed" and rng.random() < 0.3):
            text.write(_quoted_badly(rng, cells, delim) + ending)
        elif style == "mixed" and rng.random() < 0.5:
            csv.writer(text, delimiter=delim, lineterminator=ending, quoting=csv.QUOTE_ALL).writerow(cells)
        else:
            writer.writerow(cells)
    body = text.getvalue()
    if rng.random() < 0.3:
        body = body.rstrip("\r\n")  # no line ending after the last record
    return body.encode(encoding), f"{style} quoting, {encoding}, delimiter {delim!r}, ending {ending!r}"


def _landed(read: ReadResult, out_csv: Path, con: duckdb.DuckDBPyConnection | None = None) -> list[tuple]:
    """The table the loader lands from the normalised file (none for a file it stops at)."""
    if not read.columns or any(d.row <= 1 for d in read.defects):
        return []
    con = con or duckdb.connect()
    con.execute("create schema if not exists landing")
    _land(con, entity("students"), out_csv, read)
    return con.execute("select * from landing.students").fetchall()


@pytest.fixture
def blocks_seen(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many blocks the reader wrote in one go, quoted or not, and how many it read line by line."""
    seen = {"copied": 0, "copied quoted": 0, "by line": 0}
    copy_block = _Lines.copy_block

    def counted(self: _Lines, block: bytes) -> bool:
        copied = copy_block(self, block)
        seen["by line" if not copied else "copied quoted" if b'"' in block else "copied"] += 1
        return copied

    monkeypatch.setattr(_Lines, "copy_block", counted)
    return seen


def _same(fast: ReadResult, slow: ReadResult, fast_csv: Path, slow_csv: Path, context: str) -> None:
    assert (fast.columns, fast.rows, fast.encoding, fast.delimiter) == (
        slow.columns, slow.rows, slow.encoding, slow.delimiter), context
    assert [str(d) for d in fast.defects] == [str(d) for d in slow.defects], context
    assert fast_csv.read_bytes() == slow_csv.read_bytes(), context


def test_the_generated_corpus_reads_as_one_csv_parser_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blocks_seen: dict[str, int]) -> None:
    rng = random.Random(20)
    source = tmp_path / "students.csv"
    styles_seen = set()
    con = duckdb.connect()
    for i in range(FILES):
        data, how = generate(rng)
        source.write_bytes(data)
        monkeypatch.setattr(extract.read, "BLOCK_CHARACTERS", rng.choice(BLOCK_SIZES))
        fast = normalise(source, tmp_path / "fast.csv", KNOWN)
        slow = reference_normalise(source, tmp_path / "slow.csv", KNOWN)
        _same(fast, slow, tmp_path / "fast.csv", tmp_path / "slow.csv",
              f"file {i} ({how}, blocks of {extract.read.BLOCK_CHARACTERS}): {data[:300]!r}")
        if i % 20 == 0:  # the same file lands the same table (the reference's file, read back by DuckDB)
            assert _landed(fast, tmp_path / "fast.csv", con) == _landed(slow, tmp_path / "slow.csv", con)
        styles_seen.add(how.split(" ")[0])
    assert styles_seen == {"all", "minimal", "badly", "mixed"}
    assert min(blocks_seen.values()) > FILES // 3, blocks_seen  # every path of the reader ran


def _records(rng: random.Random, width: int, delim: str, cyrillic: str) -> list[list[str] | None]:
    """Records of every shape a well-formed export holds (None: a blank line)."""
    records: list[list[str] | None] = []
    for _ in range(rng.randint(0, 25)):
        roll = rng.random()
        if roll < 0.06:
            records.append(None)
        elif roll < 0.12:  # a blank-looking record: empty cells, spaces, a lone space
            records.append(rng.choice([[""] * width, [" "] * width, [" "], [""] * (width + 1)]))
        else:
            n = width if rng.random() < 0.8 else rng.choice([max(width - 1, 1), width + 1, width + 2])
            cells = [_cell(rng, delim, cyrillic) for _ in range(n)]
            if n > width and rng.random() < 0.5:
                cells[width:] = [""] * (n - width)  # trailing empty cells, as spreadsheets export
            records.append(cells)
    return records


def _written(header: list[str], records: list[list[str] | None], delim: str, ending: str, quoting: int) -> str:
    """The records as a CSV; a cell holding a line break always quoted (Python 3.11's writer, ending
    lines with one of CR or LF, leaves a cell holding the other unquoted)."""
    text = io.StringIO()
    for record in [header, *records]:
        if record is not None:
            row = io.StringIO()
            csv.writer(row, delimiter=delim, lineterminator="\r\n", quoting=quoting).writerow(record)
            text.write(row.getvalue().removesuffix("\r\n"))
        text.write(ending)
    return text.getvalue()


def test_a_fully_quoted_file_gives_what_the_same_records_quoted_where_needed_give(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blocks_seen: dict[str, int]) -> None:
    """Every record written twice, every field quoted (empty as `""`) and quoted only where a cell
    needs it: cells holding the delimiter, a line break, a doubled quote; blank lines and
    blank-looking rows; short, long and trailing-empty rows; CR, LF, CRLF; UTF-8 (BOM or not) and
    Windows-1251; comma, semicolon and tab. Both give the csv-module reference's normalised file,
    byte for byte, and its defects (rows, values, messages)."""
    rng = random.Random(2020)
    for i in range(FILES):
        delim = rng.choice([",", ";", "\t"])
        encoding = rng.choice(["utf-8", "utf-8-sig", "cp1251"])
        ending = rng.choice(["\n", "\r\n", "\r"])
        cyrillic = "Жан" if encoding == "cp1251" else "Әлем"
        width = rng.randint(1, 6)
        if width == 1:
            delim = ","  # what the reader takes a header without a delimiter to be delimited by
        header = rng.sample(list(KNOWN), k=min(width, len(KNOWN)))
        records = _records(rng, width, delim, cyrillic)
        last_ending = rng.random() < 0.7
        monkeypatch.setattr(extract.read, "BLOCK_CHARACTERS", rng.choice(BLOCK_SIZES))
        results = {}
        for quoting, name in ((csv.QUOTE_ALL, "all"), (csv.QUOTE_MINIMAL, "minimal")):
            text = _written(header, records, delim, ending, quoting)
            source = tmp_path / name / "students.csv"
            source.parent.mkdir(exist_ok=True)
            source.write_bytes((text if last_ending else text.rstrip("\r\n")).encode(encoding))
            results[name] = (normalise(source, tmp_path / f"{name}.csv", KNOWN), source)
        context = (f"file {i} ({encoding}, delimiter {delim!r}, ending {ending!r}, blocks of "
                   f"{extract.read.BLOCK_CHARACTERS}): {results['all'][1].read_bytes()[:300]!r}")
        reference = reference_normalise(results["all"][1], tmp_path / "reference.csv", KNOWN)
        _same(results["all"][0], reference, tmp_path / "all.csv", tmp_path / "reference.csv", context)
        _same(results["minimal"][0], reference, tmp_path / "minimal.csv", tmp_path / "reference.csv", context)
    assert min(blocks_seen.values()) > FILES // 3, blocks_seen


@pytest.mark.parametrize("delim", [",", ";"])
def test_a_fully_quoted_file_is_copied_not_parsed_and_lands_as_written(delim: str, tmp_path: Path) -> None:
    """The quoted lines that can be copied are, without their quotes; those that cannot (a cell with
    the delimiter, a quote or a line break, a blank-looking row) still come out as `csv` reads and
    writes them."""
    source = tmp_path / "students.csv"
    lines = [
        f'"student_id"{delim}"last_name"{delim}"note"',
        f'"1"{delim}"Асан"{delim}""',  # copied without quotes: whole cells, an empty one
        f'"2"{delim}"a{delim}b"{delim}" c "',  # split, and written quoted where needed: the delimiter in a cell
        f'""{delim}""{delim}""',  # a row of empty cells: skipped, as csv reads it
        f'"3"{delim}"q""uote"{delim}"x"',  # parsed: a doubled quote
        f'"4"{delim}"two',  # parsed: a cell spanning lines, shown as its last line (7)
        f'lines"{delim}"y"',
        f'"5"{delim}"{delim}"{delim}""',  # a cell of the delimiter alone is no blank row
        f'"6"{delim}"short"',  # row 9: too few fields
    ]
    source.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    read = normalise(source, tmp_path / "out.csv", KNOWN)
    copied = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert copied[1:3] == [f"2{delim}1{delim}Асан{delim}", f'3{delim}2{delim}"a{delim}b"{delim} c ']
    assert [str(d) for d in read.defects] == [
        "students.csv, row 9, value '6,short': row length: 2 fields where the header has 3"
        " (truncated or wrongly delimited row)"]
    assert _landed(read, tmp_path / "out.csv") == [
        ("2", "1", "Асан", None),
        ("3", "2", f"a{delim}b", " c "),
        ("5", "3", 'q"uote', "x"),
        ("7", "4", "two\r\nlines", "y"),
        ("8", "5", delim, None),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("quoting", [csv.QUOTE_ALL, csv.QUOTE_MINIMAL])
def test_a_row_of_any_unicode_spaces_is_blank_in_a_block_read_as_bytes(
        encoding: str, quoting: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        blocks_seen: dict[str, int]) -> None:
    """A block is checked for blank rows in the file's own bytes: a row of no-break, ideographic or
    other non-ASCII spaces (as many bytes as the encoding gives them) is skipped, as `csv` and
    `str.strip` see it, and a row holding one of them beside a value is kept."""
    spaces = [ch for ch in ("\u00a0", "\u3000", "\u2007", "\u0085", "\u1680", "\x1c", "\x0b")
              if ch.encode(encoding, errors="replace") != b"?"]
    header = ["student_id", "last_name", "first_name"]
    records = [["1", "a", "b"]] * 3
    for space in spaces:
        records += [[space, space * 2, ""], [space, "x" + space, ""], ["2", "c", "d"]]
    text = _written(header, records, ",", "\r\n", quoting)
    source = tmp_path / "students.csv"
    source.write_bytes(text.encode(encoding))
    monkeypatch.setattr(extract.read, "BLOCK_CHARACTERS", 1)  # a block per line: each row checked on its own
    fast = normalise(source, tmp_path / "fast.csv", KNOWN)
    slow = reference_normalise(source, tmp_path / "slow.csv", KNOWN)
    _same(fast, slow, tmp_path / "fast.csv", tmp_path / "slow.csv", repr(text))
    assert fast.rows == 3 + 2 * len(spaces)  # every blank row skipped, the others kept
    assert blocks_seen["copied"] + blocks_seen["copied quoted"] >= 3 + 2 * len(spaces)


@pytest.mark.parametrize("quoting", [csv.QUOTE_ALL, csv.QUOTE_MINIMAL])
def test_blocks_of_fully_quoted_lines_are_copied_in_one_go(
        quoting: int, tmp_path: Path, blocks_seen: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A well-formed export is written block by block, not line by line: the fast path a 200,000-student
    load depends on (bench/README.md, "Fully quoted exports") is taken, quoted or not."""
    monkeypatch.setattr(extract.read, "BLOCK_CHARACTERS", 200)
    records = [[str(i), "Әлем", "", "a b"] for i in range(200)]
    source = tmp_path / "students.csv"
    source.write_text(_written(["student_id", "last_name", "note", "first_name"], records, ";", "\r\n", quoting),
                      encoding="utf-8")
    read = normalise(source, tmp_path / "out.csv", KNOWN)
    assert read.rows == 200 and not read.defects
    assert blocks_seen["by line"] == 1  # the block holding the header
    assert blocks_seen["copied quoted" if quoting == csv.QUOTE_ALL else "copied"] > 10
