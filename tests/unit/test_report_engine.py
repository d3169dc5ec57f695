"""The report engine without a warehouse: the catalogue, parameters, and the XLSX/CSV/PDF exporter."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from openpyxl.utils.escape import unescape
from pypdf import PdfReader

from registrar.common.i18n import t
from registrar.reports import catalog, export, params
from registrar.reports import pdf as pdf_writer
from registrar.reports.base import ReportDocument, ReportError, ReportParams, Section
from tests.support.pdf import KAZAKH_LOWER, pdf_text

KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"


def test_catalogue_finds_the_library_modules() -> None:
    reports = catalog.reports()
    assert {"transcript", "enrolment_certificate"} <= set(reports)
    assert reports["transcript"].required == ("student",)
    with pytest.raises(ReportError, match="no report called 'nope'"):
        catalog.get("nope")


def test_a_report_name_defined_twice_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from registrar.reports import library

    body = ("from registrar.reports.base import Report\n"
            "REPORT = Report('twice', 't', 'd', (), (), ('csv',), lambda con, p: None)\n")
    (tmp_path / "dup_one.py").write_text(body, encoding="utf-8")
    (tmp_path / "dup_two.py").write_text(body, encoding="utf-8")
    monkeypatch.setattr(library, "__path__", [str(tmp_path)])
    catalog.reports.cache_clear()
    try:
        with pytest.raises(catalog.DuplicateReport, match="'twice'.*dup_one.*dup_two"):
            catalog.reports()
    finally:
        catalog.reports.cache_clear()
        for name in ("dup_one", "dup_two"):
            sys.modules.pop(f"registrar.reports.library.{name}", None)


@pytest.mark.parametrize("bad", ["2025Q5", "2025Q0", "2025-Q1", "25Q1", "2025"])
def test_a_quarter_in_a_bad_format_is_refused(bad: str) -> None:
    with pytest.raises(ReportError, match=re.escape(repr(bad))):
        params.parse_quarter(bad, "en")


def test_pdf_font_renders_the_whole_kazakh_alphabet() -> None:
    font = TTFont(str(pdf_writer.FONT_REGULAR))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in KAZAKH_ALPHABET + KAZAKH_ALPHABET.upper())
    doc = ReportDocument(title="Әліпби", parameters=[("Әріптер", KAZAKH_ALPHABET.upper())],
                         sections=[Section("Һ", pd.DataFrame({"Кіші": list(KAZAKH_LOWER),
                                                             "Бас": list(KAZAKH_LOWER.upper())}))],
                         file_stem="alphabet", paragraphs=[KAZAKH_ALPHABET])
    text = pdf_text(export.render(doc, "pdf", ReportParams(lang="kk"), None))
    assert KAZAKH_ALPHABET in text and KAZAKH_ALPHABET.upper() in text
    assert all(f"{c} {c.upper()}" in text for c in KAZAKH_LOWER)


def test_long_pdf_tables_break_across_pages_with_their_header() -> None:
    frame = pd.DataFrame({"Нөмір": range(1, 301), "Күні": [dt.date(2025, 1, 1)] * 300})
    doc = ReportDocument("Ұзын кесте", [], [Section("", frame)], "long")
    reader = PdfReader(io.BytesIO(export.render(doc, "pdf", ReportParams(lang="ru"), None)))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) > 2
    assert all("Нөмір" in p and export.university_name("ru") in p for p in pages)
    assert f"Страница {len(pages)} из {len(pages)}" in pages[-1]
    assert "01.01.2025" in pages[0]


def test_xlsx_and_csv_type_dates_and_numbers() -> None:
    frame = pd.DataFrame({"Күні": [dt.date(2025, 2, 3), None], "Саны": [3, 4], "GPA": [3.456, None]})
    doc = ReportDocument("Тест", [("Тоқсан", "2025Q1")], [Section("Бөлім", frame)], "typed", ["Мәтін"])
    when = dt.datetime(2026, 1, 2, 3, 4)
    ws = openpyxl.load_workbook(io.BytesIO(export.render(doc, "xlsx", ReportParams(lang="kk"), when))).active
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row if c.value is not None}
    header = next(c.row for c in cells.values() if c.value == "Күні")
    date_cell, count_cell, gpa_cell = (ws.cell(header + 1, col) for col in (1, 2, 3))
    assert date_cell.value == dt.datetime(2025, 2, 3) and date_cell.number_format == "DD.MM.YYYY"
    assert count_cell.value == 3 and isinstance(count_cell.value, int)
    assert gpa_cell.value == pytest.approx(3.456) and ws.cell(header + 2, 3).value is None
    assert ws.freeze_panes == f"A{header + 1}"
    assert any(c.value == when for c in cells.values())
    text = export.render(doc, "csv", ReportParams(lang="kk"), when).decode("utf-8-sig")
    assert text.splitlines() == ["Күні,Саны,GPA", "2025-02-03,3,3.456", ",4,"]  # one section: no section column


FORMULAS = ['=HYPERLINK("http://evil","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_no_text_becomes_a_formula_in_xlsx_or_csv() -> None:
    """Issue 21 finding 10: a name such as =HYPERLINK(...) is text in every download; numbers
    (a negative one too) stay numbers."""
    frame = pd.DataFrame({"Name": FORMULAS, "Score": [-1.5, 2, -3, 4, 5, 6]})
    doc = ReportDocument("=Title", [("Student", "=cmd|' /C calc'!A0")], [Section("-Heading", frame)], "f")
    ws = openpyxl.load_workbook(io.BytesIO(export.render(doc, "xlsx", ReportParams(lang="en"), None))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {unescape(c.value): c for c in cells if isinstance(c.value, str)}  # _x000D_ is a carriage return
    assert set(FORMULAS) | {"=Title", "=cmd|' /C calc'!A0", "-Heading"} <= set(texts)
    assert all(texts[v].quotePrefix for v in [*FORMULAS, "=Title", "=cmd|' /C calc'!A0", "-Heading"])
    assert -1.5 in [c.value for c in cells]

    rows = list(csv.reader(io.StringIO(export.render(doc, "csv", ReportParams(lang="en"), None)
                                       .decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + v for v in FORMULAS]
    assert [r[1] for r in rows[1:]] == ["-1.5", "2.0", "-3.0", "4.0", "5.0", "6.0"]


def _every_kind_of_value() -> pd.DataFrame:
    texts = ["Әбілқасымова Гүлнұр Серікқызы", "Иванов Иван Иванович", *FORMULAS, "a < b && c > d", "\"quoted\" 'x'",
             "bell\x07 nul\x00 vt\x0b us\x1f", "_x0041_ stays", "tab\tand\nnewline", " leading", "trailing ", "",
             "\ufffe\uffff", "ы" * 40_000, None, "Әбілқасымова Гүлнұр Серікқызы", "=1+1"]
    n = len(texts)
    return pd.DataFrame({
        "text": texts,
        "int": [0, -7, 2**40, *range(n - 3)],
        "float": [1.5, -0.25, 1e-9, 123456789.123, 2.0, float("nan"), None, float("inf"), float("-inf"),
                  *[i / 3 for i in range(n - 9)]],
        "bool": [i % 3 == 0 for i in range(n)],
        "date": [dt.date(2025, 2, 3), None, dt.date(1900, 3, 1), dt.date(2099, 12, 31),
                 *[dt.date(2024, 9, 1)] * (n - 4)],
        "datetime": pd.to_datetime([dt.datetime(2026, 1, 2, 3, 4, 5), None,
                                    *[dt.datetime(2025, 6, 30, 23, 59)] * (n - 2)]),
        "mixed": [True, 1, 1.0, False, 0, "1", dt.date(2020, 1, 1), dt.datetime(2020, 1, 1, 12), Decimal("2.50"),
                  None, float("nan"), pd.NA, pd.NaT, dt.time(8, 30), "-x", *[""] * (n - 15)],
        "nullable": pd.array([1, None, *range(n - 2)], dtype="Int64"),
        "object_nan": pd.Series(["a", float("nan"), 3, None, *[""] * (n - 4)], dtype=object),
    })


def test_xlsx_table_cells_read_back_as_xlsxwriter_writes_them() -> None:
    """A table's body is written as sheet XML by the exporter itself (export._CellXml, for speed): every kind
    of value must read back (openpyxl) as the same value written cell by cell by xlsxwriter (`_Xlsx.put`,
    what the exporter did before): value, type, number format, quote prefix, and the cells around it."""
    frame = _every_kind_of_value()
    doc = ReportDocument("Кесте", [("Тоқсан", "2025Q1")], [Section("Бөлім", frame), Section("Екі", frame.head(1))],
                         "cells", signatories=[("Тіркеуші", "Ж. Жанова")])
    book = openpyxl.load_workbook(io.BytesIO(export.render(doc, "xlsx", ReportParams(lang="kk"), None)))
    ws = book.active
    out = io.BytesIO()
    xl = export._Xlsx(out)
    reference = xl.book.add_worksheet("R")
    for r, values in enumerate(zip(*export._frame_columns(frame), strict=True)):
        for c, value in enumerate(values):
            xl.put(reference, r, c, value)
    xl.book.close()
    want = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active

    def cells(sheet, first: int, count: int) -> list[list[tuple]]:
        return [[(c.value, c.data_type, c.number_format, c.quotePrefix) for c in row]
                for row in sheet.iter_rows(min_row=first, max_row=first + count - 1, max_col=frame.shape[1])]

    header = next(c.row for c in ws["A"] if c.value == "text")
    assert cells(ws, header + 1, len(frame)) == cells(want, 1, len(frame))
    column = {c.value: [ws.cell(header + 1 + i, c.column).value for i in range(15)] for c in ws[header]}
    assert column["float"][:9] == [1.5, -0.25, 1e-9, 123456789.123, 2, None, None, "=1/0", "=-1/0"]
    assert column["mixed"] == [True, 1, 1, False, 0, "1", dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 1, 12), 2.5,
                               None, None, None, None, "08:30:00", "-x"]
    assert column["nullable"][:2] == [1, None] and column["date"][:2] == [dt.datetime(2025, 2, 3), None]
    assert column["object_nan"][:4] == ["a", None, 3, None]
    assert [c.value for c in ws[header + len(frame) + 2]][:1] == ["Екі"]  # what follows the body is in place
    assert cells(ws, header + len(frame) + 4, 1) == cells(want, 1, 1)
    assert ws.cell(header + len(frame) + 6, 1).value == "Тіркеуші"
    assert ws.max_row == header + len(frame) + 6 and ws.max_column == frame.shape[1]
    assert ws.freeze_panes == f"A{header + 1}"


def test_csv_columns_are_written_as_each_cell_would_be() -> None:
    """The CSV converts a column's distinct values once (for speed): the file must be that of every cell
    converted by itself (export._csv_value), one section and stacked sections with their union of columns."""
    frame = _every_kind_of_value()
    other = frame[["mixed", "int"]].rename(columns={"int": "extra"}).head(5)
    alone = pd.DataFrame({"x": ["", None, "a,b", 'q"', "l\nm", "r\rn", "", 7]})  # csv.writer: a lone "" is quoted
    for sections in ([Section("Бір", frame)], [Section("Бір", frame), Section("=Екі", other)], [Section("", alone)],
                     [Section("", alone), Section("Екі", alone.head(2))]):
        doc = ReportDocument("T", [], sections, "csv")
        got = export.render(doc, "csv", ReportParams(lang="en"), None).decode("utf-8-sig")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        names = list(dict.fromkeys(str(c) for s in sections for c in s.frame.columns))
        stacked = len(sections) > 1
        writer.writerow([export._csv_value(v) for v in [*([t("report_section", "en")] if stacked else []), *names]])
        for section in sections:
            for values in zip(*export._frame_columns(section.frame), strict=True):
                by_name = dict(zip(map(str, section.frame.columns), values, strict=True))
                row = [*([section.heading] if stacked else []), *(by_name.get(c) for c in names)]
                writer.writerow([export._csv_value(v) for v in row])
        assert got == out.getvalue()
    rows = list(csv.reader(io.StringIO(export.render(ReportDocument("T", [], [Section("", frame)], "csv"), "csv",
                                                     ReportParams(lang="en"), None).decode("utf-8-sig"), newline="")))
    assert [r[-1] for r in rows[:5]] == ["object_nan", "a", "", "3", ""]  # NaN is empty, not "nan"


def test_xlsx_text_that_looks_like_xml_stays_text() -> None:
    """xlsxwriter writes a text of the form <r>…</r> unescaped, as rich-text XML: the exporter escapes every text
    (and keeps a text's leading and trailing spaces, which openpyxl keeps whatever the XML says)."""
    frame = pd.DataFrame({"Аты": ["<r><t>x</t></r>", "</t></is></c><c><v>1</v></c>", " a ", "b"]})
    doc = ReportDocument("T", [], [Section("", frame)], "xml")
    data = export.render(doc, "xlsx", ReportParams(lang="en"), None)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws["A"]][-4:] == list(frame["Аты"])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert '<t xml:space="preserve"> a </t>' in sheet and "<t>b</t>" in sheet


@pytest.mark.parametrize("size", [8.0, 5.5])
@pytest.mark.parametrize("right", [False, True])
def test_pdf_table_text_is_written_as_fpdf_cell_writes_it(size: float, right: bool) -> None:
    """The table writes its cells' text itself (pdf_writer._Type, for speed): the bytes must be those fpdf2's
    cell() writes for the same text, place and font (an fpdf2 upgrade that changes cell() fails here),
    and the widths those of get_string_width. A right-to-left text is left to cell()."""
    texts = ["Әбілқасымова Гүлнұр Серікқызы", "B057 (IT) \\ 3", "3.45", "✓", "0"]
    reference = pdf_writer._Pdf("kk", "U", "portrait")
    reference.add_page()
    fast = pdf_writer._Pdf("kk", "U", "portrait")
    fast.add_page()
    kind = pdf_writer._Type(fast, "", size)
    for n, text in enumerate(texts):
        x, y, w, h = 20 + n, 40 + 7 * n, 60.0, 4.2
        reference.set_font("DejaVu", "", size)
        before = len(reference.pages[reference.page].contents)
        reference.set_xy(x, y)
        reference.cell(w, h, text, align="R" if right else "L")
        written = bytes(reference.pages[reference.page].contents[before:])
        ours = [op for op in (kind.select(), kind.cell(x, y, w, h, text, right)) if op]
        assert ("\n".join(ours) + "\n").encode("latin-1") == written, text
        assert kind.width(text) == reference.get_string_width(text)
    assert kind.cell(20, 40, 60, 4.2, "שלום", right) is None


def test_the_page_count_has_room_for_more_than_three_digits() -> None:
    """fpdf2 reserves the page-count alias's width: "{nb}" holds three digits and warns beyond 999 pages."""
    pdf = pdf_writer._Pdf("ru", "U", "portrait")
    for _ in range(1000):
        pdf.add_page()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = bytes(pdf.output())
    assert "Страница 1000 из 1000" in PdfReader(io.BytesIO(data)).pages[-1].extract_text()
