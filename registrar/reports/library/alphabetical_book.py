"""The alphabetical book of students (rules B24): every student ever enrolled, in the Kazakh or
Russian alphabetical order of the chosen language (ICU collation, not byte order: Ә after А,
Ө after О), with programme, admission order and every order about them — one row per student
and order."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import collation, faculty_name, label, section
from registrar.reports.base import Report, ReportDocument, ReportParams


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    faculty = faculty_name(con, params)
    by_name = f"b.full_name collate {collation(lang)}, b.student_id"
    rows = section(con, "", f"""
        select dense_rank() over (order by {by_name}) as book_no,
               b.full_name, b.student_id, b.program_code, pr.{label('name', lang)} as program_name,
               b.admission_order_no, b.admission_order_date, b.order_no, b.order_date, b.effective_date,
               b.{label('movement_label', lang)} as movement, b.{label('reason_label', lang)} as reason
        from main.rpt_alphabetical_book as b
        left join main.dim_programs as pr on b.program_code = pr.program_code
        where $faculty is null or b.faculty_code = $faculty
        order by {by_name}, b.replay_seq
    """, {"faculty": params.faculty}, {
        "book_no": "lists_book_no", "full_name": "lists_full_name", "student_id": "lists_student_id",
        "program_code": "lists_program_code", "program_name": "lists_program",
        "admission_order_no": "lists_admission_order_no", "admission_order_date": "lists_admission_order_date",
        "order_no": "lists_order_no", "order_date": "lists_order_date", "effective_date": "lists_effective_date",
        "movement": "lists_movement", "reason": "lists_reason",
    }, lang)
    parameters = [(t("lists_faculty", lang), faculty)] if faculty else []
    return ReportDocument(
        title=t("lists_ab_name", lang), parameters=parameters, sections=[rows],
        file_stem="alphabetical_book" + (f"_{params.faculty}" if params.faculty else "") + f"_{lang}")


REPORT = Report(
    name="alphabetical_book",
    title_key="lists_ab_name",
    description_key="lists_ab_description",
    required=(),
    optional=("faculty",),
    formats=("xlsx", "csv", "pdf"),
    build=build,
)
