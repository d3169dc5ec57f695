"""The diploma supplement (приложение к диплому) of a graduate (rules B32): the transcript of
registrar/reports/library/transcript.py (every discipline with credits and grades, the terms' GPA and the
credits against the programme's requirement), headed by the series and number of the diploma and of the
supplement from the diploma register, in Kazakh, Russian or English. Refused for a student who has not
graduated (the current status by the replay of the orders does not complete the programme)."""

from __future__ import annotations

import dataclasses

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import label, show_date
from registrar.reports.base import Report, ReportDocument, ReportError, ReportParams
from registrar.reports.export import file_stem
from registrar.reports.library import transcript

NAME = "diploma_supplement"


def graduation(con: duckdb.DuckDBPyConnection, student: str, lang: str) -> tuple[str, object]:
    """The student's current status label and, for a graduate, the graduation date (None otherwise)."""
    row = con.execute(f"""
        select h.{label('status_label', lang)}, g.graduated_on
        from main.fct_student_status_history as h
        left join main.fct_graduations as g on h.student_id = g.student_id
        where h.student_id = ? and h.is_current
    """, [student]).fetchone()
    return (row[0], row[1]) if row else ("—", None)


def document(con: duckdb.DuckDBPyConnection, student: str, supplement: bool, lang: str) -> str:
    """'series № number (issued dd.mm.yyyy)' of the student's latest diploma or supplement in the register
    (a duplicate replaces the original), or a dash when the register has none."""
    row = con.execute("""
        select series, number, issued_on from main.fct_diplomas
        where student_id = ? and is_supplement = ?
        order by issued_on desc, number_value desc limit 1
    """, [student, supplement]).fetchone()
    if row is None:
        return t("supplement_not_in_register", lang)
    return t("supplement_document", lang, series=row[0], number=row[1], issued=show_date(row[2]))


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, student = params.lang, params.student or ""
    status, graduated_on = graduation(con, student, lang)
    if graduated_on is None:
        raise ReportError(t("supplement_err_not_graduated", lang, student=student, status=status))
    base = transcript.build(con, dataclasses.replace(params, student=student))
    # the transcript's document as it is (sections, grade-scale legend, signatory, place of the stamp),
    # headed as the supplement
    return dataclasses.replace(
        base,
        title=t("supplement_title", lang),
        parameters=[
            (t("supplement_diploma", lang), document(con, student, False, lang)),
            (t("supplement_supplement", lang), document(con, student, True, lang)),
            (t("supplement_graduated_on", lang), show_date(graduated_on)),  # type: ignore[arg-type]
            *base.parameters,
        ],
        file_stem=file_stem(NAME, params),
    )


REPORT = Report(
    name=NAME,
    title_key="supplement_title",
    description_key="supplement_description",
    required=("student",),
    optional=(),
    formats=("pdf", "xlsx", "csv"),
    build=build,
    numbered=True,  # an official document: an outgoing number of the register of issued documents
)
