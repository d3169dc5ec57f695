"""The exporter's official documents and statistical forms, without a warehouse (issue 23 point 11, issue
18 §3): headers that wrap between words, an official document's number, day of issue, signatory and
stamp with no "warehouse refreshed" line, and a form's XLSX laid out as the form is entered."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from registrar.common.i18n import t
from registrar.reports import export
from registrar.reports.base import ReportDocument, ReportParams, Section
from tests.support.pdf import pdf_text

# Kazakh column headers of a form: long words, many columns
LONG_HEADERS = ["Академиялық демалыстағылар", "Академиялық ұтқырлықтағылар", "Мемлекеттік тапсырыспен",
                "Жергілікті бюджеттен", "Жұмыс берушінің қаражатынан", "Шетел азаматтарының саны",
                "Қашықтықтан оқитындар", "Қайта қабылданғандар", "Демалыстан оралғандар", "Басқа оқу орнынан",
                "Бітіргендер саны", "Шығарылғандар саны", "Ауысқандардың жалпы саны"]


def _form() -> ReportDocument:
    frame = pd.DataFrame([["01", "Барлығы", *range(len(LONG_HEADERS))],
                          ["02.1", "Білім беру бағдарламаларының тобы: B057", *range(len(LONG_HEADERS))]],
                         columns=["№", "Көрсеткіш", *[f"{i}. {h}" for i, h in enumerate(LONG_HEADERS, 1)]])
    codes = ["А", "Б", *[str(i) for i in range(1, len(LONG_HEADERS) + 1)]]
    return ReportDocument("3-НК", [("Санақ күні", dt.date(2025, 10, 1)), ("БСН", "000000000000")],
                          [Section("1-бөлім. Контингент", frame, codes, ["№", "Көрсеткіш", *LONG_HEADERS]),
                           Section("2-бөлім. Қозғалыс", frame.head(1), codes, ["№", "Көрсеткіш", *LONG_HEADERS])],
                          "form", sheet_per_section=True)


def test_pdf_headers_wrap_between_words_never_inside_one() -> None:
    text = pdf_text(export.render(_form(), "pdf", ReportParams(lang="kk"), None))
    tokens = set(text.split())
    broken = [word for header in LONG_HEADERS for word in header.split() if word not in tokens]
    assert not broken, broken
    assert "01.10.2025" in text and "2025-10-01" not in text  # a date parameter as DD.MM.YYYY


def test_form_xlsx_has_a_sheet_per_section_with_the_codes_in_the_first_row_and_column() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(export.render(_form(), "xlsx", ReportParams(lang="kk"), None)))
    assert wb.sheetnames[1:] == ["1-бөлім", "2-бөлім"]
    title = {row[0].value: row[1] for row in wb.worksheets[0].iter_rows(min_row=2) if row[0].value}
    census = title["Санақ күні"]
    assert census.value == dt.datetime(2025, 10, 1) and census.number_format == "DD.MM.YYYY"
    ws = wb["1-бөлім"]
    assert [c.value for c in ws[1]] == ["А", "Б", *[str(i) for i in range(1, len(LONG_HEADERS) + 1)]]
    assert [c.value for c in ws[2]][2:] == LONG_HEADERS
    assert [ws.cell(r, 1).value for r in (3, 4)] == ["01", "02.1"]
    assert ws.cell(4, 3).value == 0 and isinstance(ws.cell(4, 4).value, int)
    assert ws.freeze_panes == "C3"
    # the sections are not repeated on the title sheet
    assert not any(c.value == "Барлығы" for row in wb.worksheets[0].iter_rows() for c in row)


def _document() -> ReportDocument:
    return ReportDocument("Анықтама", [("Білім алушы", "Ахметов Нұрлан")], [], "cert", ["Мәтін."],
                          outgoing_number="0007/2026", issued_on=dt.date(2026, 3, 4),
                          signatories=[("Тіркеу офисінің басшысы", "А. Б. Сейітова")], stamp_place="М.О.",
                          show_refreshed=False)


def test_an_official_document_has_its_number_signatory_and_stamp_and_no_refresh_line() -> None:
    when = dt.datetime(2026, 1, 2, 3, 4)
    params = ReportParams(lang="kk")
    text = pdf_text(export.render(_document(), "pdf", params, when))
    assert f"{t('document_outgoing_number', 'kk')}: 0007/2026" in text
    assert f"{t('document_issued_on', 'kk')}: 04.03.2026" in text
    assert "Тіркеу офисінің басшысы" in text and "А. Б. Сейітова" in text and "М.О." in text
    assert t("report_refreshed_at", "kk") not in text and "02.01.2026" not in text
    ws = openpyxl.load_workbook(io.BytesIO(export.render(_document(), "xlsx", params, when))).active
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "0007/2026" in values and dt.datetime(2026, 3, 4) in values and "М.О." in values
    assert t("report_refreshed_at", "kk") not in values and when not in values
    # a report that is no document still says when the warehouse was refreshed
    report = ReportDocument("Тізім", [], [], "list")
    assert t("report_refreshed_at", "kk") in pdf_text(export.render(report, "pdf", params, when))
