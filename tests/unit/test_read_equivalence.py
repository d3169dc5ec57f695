"""The reader's fast paths give exactly what parsing the whole file with the `csv` module gives.

`extract/read.py` copies most lines as text (a quote-free line, and a fully quoted line whose
cells hold no quote) and parses only the rest with `csv`. A generated corpus of CSV files, in
every shape an export takes (three delimiters, three encodings, three line endings, quoted
everywhere, quoted where needed, quoted badly; cells holding the delimiter, a line break, a
doubled quote; blank, short, long and delimiter-only rows), must give the same header, row
count, defects (rows, values, messages) and landed table as the one-parser reference below.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import duckdb
import pytest

from extract.contract import entity
from extract.defects import Defect
from extract.load import _land
from extract.read import ReadResult, _Normalised, _open_csv, normalise

KNOWN = entity("students").column_names
FILES = 300  # about 2 s of CPU; the quoted path was also checked on 8,000 (seed 7)


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


def test_the_generated_corpus_reads_as_one_csv_parser_reads_it(tmp_path: Path) -> None:
    rng = random.Random(20)
    source = tmp_path / "students.csv"
    styles_seen = set()
    con = duckdb.connect()
    landed = 0
    for i in range(FILES):
        data, how = generate(rng)
        source.write_bytes(data)
        fast = normalise(source, tmp_path / "fast.csv", KNOWN)
        slow = reference_normalise(source, tmp_path / "slow.csv", KNOWN)
        context = f"file {i} ({how}): {data[:300]!r}"
        assert (fast.columns, fast.rows, fast.encoding, fast.delimiter) == (
            slow.columns, slow.rows, slow.encoding, slow.delimiter), context
        assert [str(d) for d in fast.defects] == [str(d) for d in slow.defects], context
        if (tmp_path / "fast.csv").read_bytes() != (tmp_path / "slow.csv").read_bytes():  # else they land alike
            assert _landed(fast, tmp_path / "fast.csv", con) == _landed(slow, tmp_path / "slow.csv", con), context
            landed += 1
        styles_seen.add(how.split(" ")[0])
    assert styles_seen == {"all", "minimal", "badly", "mixed"}
    assert landed > FILES // 4  # the copied quoted lines were read back by DuckDB


@pytest.mark.parametrize("delim", [",", ";"])
def test_a_fully_quoted_file_is_copied_not_parsed_and_lands_as_written(delim: str, tmp_path: Path) -> None:
    """The quoted lines that can be copied are; those that cannot (a cell with a quote or a line
    break, a blank-looking row) still come out as `csv` reads them."""
    source = tmp_path / "students.csv"
    lines = [
        f'"student_id"{delim}"last_name"{delim}"note"',
        f'"1"{delim}"Асан"{delim}""',  # copied: whole cells, an empty one
        f'"2"{delim}"a{delim}b"{delim}" c "',  # copied: the delimiter inside a cell
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
    assert copied[1:3] == [f"2{delim}{lines[1]}", f"3{delim}{lines[2]}"]
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
