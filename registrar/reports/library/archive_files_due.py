"""Personal files due for the archive (rules B25): students who graduated, were expelled or
transferred out in a period, with the date their personal file is due (var
`personal_file_archive_after_months` after the order takes effect)."""

from __future__ import annotations

import duckdb

from policy import dbt_vars
from registrar.common.i18n import t
from registrar.reports._lists import check_span, collation, label, list_document, list_report, period, section
from registrar.reports.base import ReportDocument, ReportParams


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    start, end = period(params, required=True)
    check_span(con, start, end, lang)
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
    return list_document(con, params, "archive_files_due", t("lists_afd_name", lang), [rows],
                         span=(start, end),
                         on=[(t("lists_archive_after", lang), str(dbt_vars()["personal_file_archive_after_months"]))])


REPORT = list_report("archive_files_due", "lists_afd_name", "lists_afd_description", build,
                     required=("period",))
