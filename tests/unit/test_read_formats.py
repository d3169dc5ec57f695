"""The same extract in every accepted shape loads to identical tables."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from bench.quoted import quote_file
from extract.contract import ENTITIES
from extract.load import load_extracts
from tests.support.extracts import MINI, read_rows

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _decimal_columns(entity: str) -> set[str]:
    ent = next(e for e in ENTITIES if e.name == entity)
    return {c.name for c in ent.columns if c.kind == "decimal"}


def write_variant(target: Path, variant: str) -> Path:
    """Write the mini university as `variant`: utf8 | bom_semicolon | cp1251 | xlsx | quoted (every
    field in quotes, as `COPY ... FORCE QUOTE *` writes it)."""
    target.mkdir()
    for src in sorted(MINI.glob("*.csv")):
        rows = read_rows(src)
        header = list(rows[0]) if rows else _header(src)
        if variant == "utf8":
            shutil.copy(src, target / src.name)
        elif variant == "bom_semicolon":
            decimals = _decimal_columns(src.stem)

            def regional(name: str, value: str, decimals: set[str] = decimals) -> str:
                value = ISO_DATE.sub(r"\3.\2.\1", value)
                return value.replace(".", ",") if name in decimals else value

            with (target / src.name).open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=header, delimiter=";", lineterminator="\r\n")
                writer.writeheader()
                writer.writerows({k: regional(k, v) for k, v in r.items()} for r in rows)
        elif variant == "cp1251":
            # Windows-1251 has no Kazakh-specific letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і): exports in it
            # carry them transliterated, so this variant is compared with the same transliteration.
            (target / src.name).write_bytes(_to_cp1251(src.read_text(encoding="utf-8")))
        elif variant == "quoted":
            quote_file(src, target / src.name)
        elif variant == "xlsx":
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(header)
            for r in rows:
                sheet.append([r[c] for c in header])
            book.save(target / f"{src.stem}.xlsx")
    return target


KAZAKH_TO_RUSSIAN = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


def _to_cp1251(text: str) -> bytes:
    return text.translate(KAZAKH_TO_RUSSIAN).encode("cp1251")


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


Tables = dict[str, list[dict[str, object]]]


def load_tables(extract_dir: Path, work: Path) -> Tables:
    """Every loaded table, its rows keyed by column name, in a fixed order."""
    con = duckdb.connect()
    result = load_extracts(extract_dir, con, work)
    assert result.ok, [str(d) for d in result.defects]
    tables = {}
    for ent in ENTITIES:
        cols = ", ".join(ent.column_names)
        rows = con.execute(f"select {cols} from raw.{ent.name} order by all").fetchall()
        tables[ent.name] = [dict(zip(ent.column_names, r, strict=True)) for r in rows]
    con.close()
    return tables


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    base = tmp_path_factory.mktemp("ref")
    return load_tables(write_variant(base / "x", "utf8"), base / "work")


@pytest.mark.parametrize("variant", ["bom_semicolon", "xlsx", "quoted"])
def test_variant_loads_identical_tables(variant: str, tmp_path: Path, reference: Tables) -> None:
    tables = load_tables(write_variant(tmp_path / "x", variant), tmp_path / "work")
    for name, rows in reference.items():
        assert tables[name] == rows, name


def test_windows_1251_loads_identical_tables(tmp_path: Path) -> None:
    utf8 = tmp_path / "utf8"
    utf8.mkdir()
    for src in MINI.glob("*.csv"):
        (utf8 / src.name).write_text(src.read_text(encoding="utf-8").translate(KAZAKH_TO_RUSSIAN), "utf-8")
    expected = load_tables(utf8, tmp_path / "w1")
    cp = write_variant(tmp_path / "cp", "cp1251")
    assert (cp / "students.csv").read_bytes() != (utf8 / "students.csv").read_bytes()
    assert load_tables(cp, tmp_path / "w2") == expected


def test_dates_and_decimals_parse(reference: Tables) -> None:
    import datetime as dt
    from decimal import Decimal

    grades = reference["grades"]
    bot_retake = next(r for r in grades if r["discipline_code"] == "BOT1102" and r["attempt"] == 2)
    assert bot_retake["exam"] == Decimal("75.50")
    assert bot_retake["graded_on"] == dt.date(2025, 1, 25)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_rows_are_numbered_and_split_as_a_spreadsheet_shows_them(encoding: str, tmp_path: Path) -> None:
    """Quote-free lines are copied as text and quoted ones parsed: both must give the row a
    spreadsheet shows, a cell spanning lines, a quoted delimiter and a doubled quote."""
    from extract.contract import entity
    from extract.load import _land
    from extract.read import normalise

    lines = [
        "student_id;last_name;note",  # row 1
        "1;Асан;a",
        "",  # a blank line and a line of delimiters are skipped, and still counted
        ";;",
        '2;"Two', 'lines";b',  # one record on rows 5 and 6: shown as row 6
        '3;"semi;colon";"q""uote"',
        "4;short",  # row 8: too few fields
        "5;Жан;c;;",  # trailing empty cells, as spreadsheets export
        '6;x"y;d',  # a quote inside an unquoted cell is a character
    ]
    source = tmp_path / "students.csv"
    source.write_bytes("\r\n".join(lines).encode(encoding))
    read = normalise(source, tmp_path / "out.csv", entity("students").column_names)
    assert (read.encoding, read.delimiter, read.columns, read.rows) == (encoding, ";", lines[0].split(";"), 5)
    assert [str(d) for d in read.defects] == [
        "students.csv, row 8, value '4,short': row length: 2 fields where the header has 3"
        " (truncated or wrongly delimited row)"
    ]
    con = duckdb.connect()
    con.execute("create schema landing")
    _land(con, entity("students"), tmp_path / "out.csv", read)
    assert con.execute("select * from landing.students").fetchall() == [
        ("2", "1", "Асан", "a"),
        ("6", "2", "Two\r\nlines", "b"),
        ("7", "3", "semi;colon", 'q"uote'),
        ("9", "5", "Жан", "c"),
        ("10", "6", 'x"y', "d"),
    ]


def test_a_fully_quoted_export_gives_the_same_defects_rows_and_messages(mini_dir: Path, tmp_path: Path) -> None:
    """Defects of every kind, planted in the mini university, come out the same from its fully
    quoted copy: a bad date and a number out of range (DuckDB checks), a short row (the reader), a
    repeated key, a dangling reference, and codes holding the delimiter, a line break, a quote."""
    grades = mini_dir / "grades.csv"
    lines = grades.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    lines += [
        ",".join([*first[:5], "90", "85", "180", "31.02.2025"]),  # exam out of range, no such date
        ",".join(first[:4]),  # a short row
        lines[2],  # the same key again
        ",".join(["S9999", *first[1:]]),  # no such student
        ",".join([first[0], '"HIS,X"', *first[2:]]),  # a code holding the delimiter
        ",".join([first[0], '"HIS\nX"', *first[2:]]),  # a code broken over two lines: shown as row 16
        ",".join([first[0], '"HI""S"', *first[2:]]),  # a code holding a doubled quote
    ]
    grades.write_text("\n".join(lines) + "\n", encoding="utf-8")
    quoted = tmp_path / "quoted"
    quoted.mkdir()
    for src in mini_dir.glob("*.csv"):
        quote_file(src, quoted / src.name)
    assert (quoted / "grades.csv").read_text(encoding="utf-8").startswith('"student_id","discipline_code"')
    plain = load_extracts(mini_dir, duckdb.connect(), tmp_path / "w1")
    fully_quoted = load_extracts(quoted, duckdb.connect(), tmp_path / "w2")
    assert len(plain.defects) == 9 and [d.row for d in plain.defects][-3:] == [14, 16, 17]
    assert [str(d) for d in fully_quoted.defects] == [str(d) for d in plain.defects]
    assert [str(d) for d in fully_quoted.warnings] == [str(d) for d in plain.warnings]
