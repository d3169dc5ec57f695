"""A long PDF table written the fast way (rows from operators made once per text, the page's head and foot
without cell()) reads as fpdf2's own cell() writes it: the same pages, the same text in the same order at
the same places."""

from __future__ import annotations

import io
import re
import zlib

import pandas as pd
import pytest
from fpdf.output import OutputProducer
from pypdf import PdfReader

from registrar.reports import export
from registrar.reports import pdf as pdf_writer
from registrar.reports.base import ReportDocument, ReportParams, Section

NAMES = ["Әбілқасымова Гүлнұр Серікқызы", "Иванов Пётр Сергеевич", "Өтегенов Ұлан Үмбетұлы",
         "Шәріпова Һәжар Ғалымқызы", "Қоңырбаев Іңкәр Нұрланұлы"]
NOTE = "Қайта тапсыру: емтихан кестесі бойынша, деканаттың өкімімен және оқытушының келісімімен"


def _document(rows: int) -> ReportDocument:
    frame = pd.DataFrame({
        "№": range(1, rows + 1),
        "ФИО студента": [NAMES[i % len(NAMES)] + f" {i}" for i in range(rows)],
        "GPA": [round(2 + (i % 21) / 10, 2) for i in range(rows)],
        "Кредиттер": [(i * 7) % 240 for i in range(rows)],
        "Ескерту": [NOTE if i % 3 == 0 else "" if i % 3 == 1 else "Келесі курсқа ауыстырылды" for i in range(rows)],
    })
    return ReportDocument("Ұзын тізім — длинный список", [("Оқу жылы", "2025/2026")],
                          [Section("Бөлім 1", frame), Section("Бөлім 2", frame.head(7))], "long")


def _pages(data: bytes) -> list[list[tuple[str, float, float]]]:
    """Per page, each text run as a reader sees it: its text (pypdf may lead it with a space where the page
    count was an alias) and where it starts (points, one decimal)."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        runs: list[tuple[str, float, float]] = []

        def seen(text: str, cm: list[float], tm: list[float], *_: object, runs: list = runs) -> None:
            if text.strip():
                runs.append((text.strip(), round(tm[4] + cm[4], 1), round(tm[5] + cm[5], 1)))
        page.extract_text(visitor_text=seen)
        pages.append(runs)
    return pages


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_long_table_reads_as_fpdf2s_own_cells_write_it(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    doc, params = _document(260), ReportParams(lang=lang)
    fast = export.render(doc, "pdf", params, None)
    with monkeypatch.context() as m:  # every text by fpdf2's cell(), the page count by its alias
        m.setattr(pdf_writer._Type, "plain", lambda self: False)
        reference = export.render(doc, "pdf", params, None)
    ours, theirs = _pages(fast), _pages(reference)
    assert len(ours) == len(theirs) > 3
    for number, (page, expected) in enumerate(zip(ours, theirs, strict=True), start=1):
        texts = [text for text, _, _ in page]
        assert [text for text, _, _ in expected] == texts, f"page {number}"
        shift = max(max(abs(x - x0), abs(y - y0)) for (_, x, y), (_, x0, y0) in zip(page, expected, strict=True))
        assert shift <= 0.15, f"page {number}: a text {shift} pt away"  # the same places, within rounding
        assert export.university_name(lang) in texts[0]
        assert "ФИО" in " ".join(texts[:12])  # the header again on every page, in bold
        footer = export.t("report_page_of", lang, page=number, total=len(ours))
        assert "".join(texts).replace(" ", "").endswith(footer.replace(" ", ""))
    text = "\n".join(PdfReader(io.BytesIO(fast)).pages[i].extract_text() for i in range(len(ours)))
    assert "Әбілқасымова Гүлнұр" in text and "Иванов Пётр" in text and "Һәжар" in text
    note = [run for run, _, _ in ours[0] if run and run in NOTE]
    assert len(note) > 1 and "".join(note[:2]) != NOTE  # the note wraps over lines


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Each object of a PDF as written: its dictionary (no /Length, no /CreationDate) and its stream, inflated."""
    found = {}
    for match in re.finditer(rb"\n(\d+) 0 obj\n(<<.*?>>)\n(?:stream\n(.*?)\nendstream\n)?endobj", data, re.S):
        head, stream = match.group(2), match.group(3)
        if stream is not None and b"/FlateDecode" in head:
            stream = zlib.decompress(stream)
        found[int(match.group(1))] = (re.sub(rb"/Length \d+|/CreationDate \(D:\d+Z\)", b"", head), stream)
    return found


def test_the_file_holds_the_objects_fpdf2s_own_output_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages, their content streams and resources written without fpdf2's object serialisation, deflated
    on two cores at another level, are fpdf2's own objects once inflated."""
    doc, params = _document(260), ReportParams(lang="kk")
    fast = export.render(doc, "pdf", params, None)
    with monkeypatch.context() as m:
        m.setattr(pdf_writer, "_QuickDeflate", OutputProducer)
        reference = export.render(doc, "pdf", params, None)
    ours, theirs = _objects(fast), _objects(reference)
    assert len(ours) == len(theirs) > 20
    assert [number for number in ours if ours[number] != theirs[number]] == []


@pytest.mark.parametrize("wide", [False, True])
def test_pages_started_without_fpdf2s_add_page_are_its_own(wide: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list's pages after the first, started by _Pdf.add_page without fpdf2's generic steps and copied
    from the table's first page break (add_page_with), hold what fpdf2's add_page() and the header rows
    write on each (portrait, and landscape for a wide table)."""
    doc, params = _document(260), ReportParams(lang="ru")
    if wide:  # more than 7 columns: landscape
        frame = doc.sections[0].frame
        doc.sections[0] = Section("Бөлім 1", frame.assign(**{f"C{i}": frame["GPA"] for i in range(4)}))
    fast = export.render(doc, "pdf", params, None)
    with monkeypatch.context() as m:
        m.setattr(pdf_writer._Pdf, "add_page", pdf_writer.FPDF.add_page)
        m.setattr(pdf_writer._Pdf, "add_page_with", lambda pdf, heads, _made: (pdf.add_page(), heads()))
        reference = export.render(doc, "pdf", params, None)
    ours, theirs = _objects(fast), _objects(reference)
    assert len(ours) == len(theirs) > 20
    assert [number for number in ours if ours[number] != theirs[number]] == []
    assert (b"/MediaBox [0 0 841.89 595.28]" in fast) == wide


def test_a_copied_page_start_leaves_the_state_that_drawing_it_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a page started by copying the first (add_page_with), the document's state (fonts, colours,
    position) is the one add_page() and the header rows leave, not only its operators."""
    def pages(copied: bool) -> pdf_writer._Pdf:
        pdf = pdf_writer._Pdf("ru", "U", "portrait")
        pdf.add_page()
        made: dict[str, object] = {}

        def heads() -> None:
            pdf.set_font("DejaVu", "B", 7)
            pdf.set_text_color(200, 0, 0)
            pdf.cell(30, 5, "Тақырып", new_x="LMARGIN", new_y="NEXT")
        for _ in range(3):
            pdf.set_font("DejaVu", "", 7)
            pdf.set_text_color(0, 0, 0)
            pdf.cell(30, 5, "Жол")  # the page's rows: the regular type, set on the page
            if copied:
                pdf.add_page_with(heads, made)
            else:
                pdf.add_page()
                heads()
        assert ("contents" in made) == copied  # (the second and third pages were copied)
        return pdf
    ours, theirs = pages(True), pages(False)
    def state(pdf: pdf_writer._Pdf) -> dict[str, object]:
        fields = pdf._get_current_graphics_state().as_kwargs()
        return fields | {"current_font": fields["current_font"].fontkey}  # (each document has its fonts)
    assert state(ours) == state(theirs)
    assert (ours.x, ours.y, ours.page) == (theirs.x, theirs.y, theirs.page)
    assert [bytes(page.contents) for page in ours.pages.values()] == [bytes(p.contents) for p in theirs.pages.values()]
