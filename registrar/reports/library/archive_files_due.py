"""Personal files due for the archive (rules B25): students who graduated, were expelled or
transferred out in a period, with the date their personal file is due (var
`personal_file_archive_after_months` after the order takes effect)."""

from __future__ import annotations

import duckdb

from policy import dbt_vars
from registrar.common.i18n import t
from registrar.reports._lists import check_span, collation, faculty_name, label, period, section, show_date
from registrar.reports.base import Report, ReportDocument, ReportParams


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    start, end = period(params, required=True)
    check_span(con, start, end, lang)
    faculty = faculty_name(con, params)
    rows = section(con, "", f"""
        select a.archive_due_on, a.full_name, a.student_id, a.program_code, pr.{label('name', lang)} as program_name,
               a.course, a.{label('movement_label', lang)} as movement, a.{label('reason_label', lang)} as reason,
               a.order_no, a.order_date, a.effective_date
        from main.rpt_archive_files_due as a
        left join main.dim_programs as pr on a.program_code = pr.program_code
        where a.effective_date between $start and $end and ($faculty is null or a.faculty_code = $faculty)
        order by a.archive_due_on, a.full_name collate {collation(lang)}, a.student_id
    """, {"start": start, "end": end, "faculty": params.faculty}, {
        "archive_due_on": "lists_archive_due_on", "full_name": "lists_full_name", "student_id": "lists_student_id",
        "program_code": "lists_program_code", "program_name": "lists_program", "course": "lists_course",
        "movement": "lists_movement", "reason": "lists_reason", "order_no": "lists_order_no",
        "order_date": "lists_order_date", "effective_date": "lists_left_on",
    }, lang)
    parameters = [(t("lists_period", lang), f"{show_date(start)} – {show_date(end)}"),
                  (t("lists_archive_after", lang), str(dbt_vars()["personal_file_archive_after_months"]))]
    if faculty:
        parameters.append((t("lists_faculty", lang), faculty))
    return ReportDocument(
        title=t("lists_afd_name", lang), parameters=parameters, sections=[rows],
        file_stem=f"archive_files_due_{start:%Y%m%d}-{end:%Y%m%d}" + (f"_{params.faculty}" if params.faculty else ""))


REPORT = Report(
    name="archive_files_due",
    title_key="lists_afd_name",
    description_key="lists_afd_description",
    required=("period",),
    optional=("faculty",),
    formats=("xlsx", "csv", "pdf"),
    build=build,
)
