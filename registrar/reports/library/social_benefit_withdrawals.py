"""Withdrawals of students who receive social benefits in a period, for the social department
(rules B22): who, the order's number and date, the movement and its reason."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import check_span, collation, label, list_document, list_report, period, section
from registrar.reports.base import ReportDocument, ReportParams


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    start, end = period(params, required=True)
    check_span(con, start, end, lang)
    rows = section(con, "", f"""
        select w.student_id, w.full_name, w.program_code, pr.{label('name', lang)} as program_name, w.course,
               w.order_no, w.order_date, w.effective_date,
               w.{label('movement_label', lang)} as movement, w.{label('reason_label', lang)} as reason
        from main.rpt_social_benefit_withdrawals as w
        left join main.dim_programs as pr on w.program_code = pr.program_code
        where w.effective_date between $start and $end and ($faculty is null or w.faculty_code = $faculty)
        order by w.effective_date, w.full_name collate {collation(lang)}, w.student_id, w.order_no
    """, {"start": start, "end": end, "faculty": params.faculty}, {
        "student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
        "program_name": "lists_program", "course": "lists_course", "order_no": "lists_order_no",
        "order_date": "lists_order_date", "effective_date": "lists_effective_date",
        "movement": "lists_movement", "reason": "lists_reason",
    }, lang)
    return list_document(con, params, "social_benefit_withdrawals", t("lists_sbw_name", lang), [rows],
                         span=(start, end))


REPORT = list_report("social_benefit_withdrawals", "lists_sbw_name", "lists_sbw_description", build,
                     required=("period",))
