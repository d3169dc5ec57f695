"""Certificate of enrolment (docs/rules.md B28): the student is enrolled on a date (default the
data's last date, params.data_span: never a day the warehouse knows nothing of),
with programme, course, study form and the order that admitted them.

Reads main.rpt_enrolment_certificate (one row per student × status period of
fct_student_status_history): the period that contains the date gives the status, and whether
that status is "enrolled" is the seed contingent_statuses.is_enrolled. So a student
on academic leave or on outgoing mobility is enrolled and gets the certificate, which then
says so in a sentence of its own (documented default); an expelled or graduated student,
or one not yet admitted on the date, is refused with a ReportError that says why. The
admitting order is the student's latest entry (seed movement_types.is_headcount_inflow:
admission, transfer in, readmission) effective on or before the date.

An official document (issue 23 point 11): an outgoing number and the day of issue (the register of
issued documents, registrar/reports/issued.py), the signatory and the place of the stamp, and no
"warehouse refreshed" line. Its sentence is grammatical in each language: the university's name in the
genitive (settings university_name_genitive_kk/ru) and, in Russian, the words that agree with the
student's gender (обучающимся / обучающейся, зачислен / зачислена).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from policy import settings
from registrar.common.i18n import t
from registrar.reports import params as report_params
from registrar.reports.base import Report, ReportDocument, ReportError, ReportParams
from registrar.reports.export import file_stem, university_name
from registrar.reports.library.transcript import signatories, student_header

NAME = "enrolment_certificate"


def _d(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def university_genitive(lang: str) -> str:
    """The university's name as "a student of ..." needs it (setting university_name_genitive_<lang>;
    the name itself where none is set, as English needs)."""
    return str(settings().get(f"university_name_genitive_{lang}") or university_name(lang))


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, student = params.lang, params.student or ""
    as_of = params.as_of or report_params.data_span(con)[1]
    head = student_header(con, student, lang)
    period = con.execute(
        f"""
        select is_studying, is_enrolled, status_label_{lang}, valid_from, period_order_no, course, study_form_{lang},
               program_code, program_name_{lang}, faculty_name_{lang}, admission_order_no, admission_order_date,
               admission_movement_{lang}
        from main.rpt_enrolment_certificate
        where student_id = ? and ? between valid_from and valid_to_inclusive
        """,  # noqa: S608 - only the language code, checked by params.parse, is formatted in
        [student, as_of],
    ).fetchone()
    who = f"{head['full_name']} ({student})"
    if period is None:
        first = con.execute("select min(valid_from) from main.rpt_enrolment_certificate where student_id = ?",
                            [student]).fetchone()[0]
        if first is None:
            raise ReportError(t("certificate_err_no_orders", lang, student=who))
        raise ReportError(t("certificate_err_not_yet", lang, student=who, date=_d(as_of), since=_d(first)))
    (is_studying, is_enrolled, status_label, since, order_no, course, form, program, program_name, faculty,
     entry_no, entry_date, entry_movement) = period
    if not is_enrolled:
        raise ReportError(t("certificate_err_not_enrolled", lang, student=who, date=_d(as_of),
                            status=status_label, since=_d(since), order=order_no or "—"))
    (gender,) = con.execute("select lower(gender) from main.dim_students where student_id = ?", [student]).fetchone()
    entry_label = (t("certificate_entry_order", lang, number=entry_no, date=_d(entry_date), movement=entry_movement,
                     admitted=t(f"certificate_admitted_{gender}", lang))
                   if entry_no else t("certificate_no_entry_order", lang))
    paragraphs = [t("certificate_text", lang, student=who, university=university_genitive(lang), date=_d(as_of),
                    course=course, form=str(form).lower() if lang != "en" else form,
                    program=f"{program} {program_name}", faculty=faculty or "",
                    studying=t(f"certificate_studying_{gender}", lang))]
    paragraphs.append(entry_label)
    if not is_studying:
        paragraphs.append(t("certificate_status_note", lang, date=_d(as_of), status=status_label))
    paragraphs.append(t("certificate_purpose", lang))
    return ReportDocument(
        title=t("certificate_title", lang),
        parameters=[
            (t("transcript_student", lang), who),
            (t("certificate_as_of", lang), _d(as_of)),
            (t("transcript_program", lang), f"{program} {program_name}"),
            (t("certificate_course", lang), str(course)),
            (t("certificate_study_form", lang), str(form)),
            (t("certificate_status", lang), str(status_label)),
        ],
        sections=[],
        file_stem=file_stem(NAME, ReportParams(lang=lang, as_of=as_of, student=student)),
        paragraphs=paragraphs,
        signatories=signatories(lang),
        stamp_place=t("document_stamp_place", lang),
        show_refreshed=False,
    )


REPORT = Report(
    name=NAME,
    title_key="certificate_title",
    description_key="certificate_description",
    required=("student",),
    optional=("as_of",),
    formats=("pdf", "xlsx"),
    build=build,
    numbered=True,
)
