"""Certificate of enrolment (statute 4.4.3): the student is enrolled on a date (default today),
with programme, course, study form and the order that admitted them.

The status on the date is the period of main.fct_student_status_history that contains it;
whether that status is "enrolled" is the seed contingent_statuses.is_enrolled. So a student
on academic leave or on outgoing mobility is enrolled and gets the certificate, which then
says so in a sentence of its own (documented default); an expelled or graduated student,
or one not yet admitted on the date, is refused with a ReportError that says why. The
admitting order is the student's latest entry (seed movement_types.is_headcount_inflow:
admission, transfer in, readmission) effective on or before the date.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from registrar.i18n import t
from registrar.reports.base import Report, ReportDocument, ReportError, ReportParams
from registrar.reports.export import file_stem, university_name
from registrar.reports.library.transcript import student_header

NAME = "enrolment_certificate"


def _d(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, student = params.lang, params.student or ""
    as_of = params.as_of or dt.date.today()
    head = student_header(con, student, lang)
    period = con.execute(
        f"""
        select h.status, cs.is_enrolled, cs.label_{lang}, h.valid_from, h.order_no, h.course,
               coalesce(sf.label_{lang}, h.study_form), h.program_code, p.name_{lang}, p.faculty_name_{lang}
        from main.fct_student_status_history as h
        inner join reference.contingent_statuses as cs on h.status = cs.status
        left join reference.study_forms as sf on h.study_form = sf.study_form
        left join main.dim_programs as p on h.program_code = p.program_code
        where h.student_id = ? and h.valid_from <= ? and (h.valid_to > ? or h.valid_to is null)
        """,  # noqa: S608 - only the language code, checked by params.parse, is formatted in
        [student, as_of, as_of],
    ).fetchone()
    who = f"{head['full_name']} ({student})"
    if period is None:
        first = con.execute("select min(valid_from) from main.fct_student_status_history where student_id = ?",
                            [student]).fetchone()[0]
        if first is None:
            raise ReportError(t("certificate_err_no_orders", lang, student=who))
        raise ReportError(t("certificate_err_not_yet", lang, student=who, date=_d(as_of), since=_d(first)))
    status, is_enrolled, status_label, since, order_no, course, form, program, program_name, faculty = period
    if not is_enrolled:
        raise ReportError(t("certificate_err_not_enrolled", lang, student=who, date=_d(as_of),
                            status=status_label, since=_d(since), order=order_no or "—"))
    entry = con.execute(
        """
        select m.order_no, m.order_date, m.movement
        from main.fct_contingent_movements as m
        inner join reference.movement_types as mt on m.movement = mt.movement
        where m.student_id = ? and mt.is_headcount_inflow and m.effective_date <= ?
        order by m.effective_date desc, m.replay_seq desc
        limit 1
        """,
        [student, as_of],
    ).fetchone()
    entry_label = t("certificate_no_entry_order", lang)
    if entry is not None:
        movement_label = con.execute(f"select label_{lang} from reference.movement_types where movement = ?",  # noqa: S608
                                     [entry[2]]).fetchone()[0]
        entry_label = t("certificate_entry_order", lang, number=entry[0], date=_d(entry[1]), movement=movement_label)
    paragraphs = [t("certificate_text", lang, student=who, university=university_name(lang), date=_d(as_of),
                    course=course, form=form, program=f"{program} {program_name}", faculty=faculty or "")]
    paragraphs.append(entry_label)
    if status != "active":
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
    )


REPORT = Report(
    name=NAME,
    title_key="certificate_title",
    description_key="certificate_description",
    required=("student",),
    optional=("as_of",),
    formats=("pdf", "xlsx"),
    build=build,
)
