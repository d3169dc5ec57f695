"""The register of movements for a period (rules B23): every order line with its movement,
reason, student, programme and course, then the monthly totals by movement."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import check_span, collation, label, list_document, list_report, period, section
from registrar.reports.base import ReportDocument, ReportParams

IN_PERIOD = "r.effective_date between $start and $end and ($faculty is null or r.faculty_code = $faculty)"


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    start, end = period(params, required=True)
    check_span(con, start, end, lang)
    args = {"start": start, "end": end, "faculty": params.faculty}
    movement = label("movement_label", lang)
    orders = section(con, t("lists_mr_orders", lang), f"""
        select r.effective_date, r.order_no, r.order_date, r.{movement} as movement,
               r.{label('reason_label', lang)} as reason, r.student_id, r.full_name, r.program_code,
               pr.{label('name', lang)} as program_name, r.course
        from main.rpt_movement_register as r
        left join main.dim_programs as pr on r.program_code = pr.program_code
        where {IN_PERIOD}
        order by r.effective_date, r.order_no, r.full_name collate {collation(lang)}, r.student_id, r.replay_seq
    """, args, {
        "effective_date": "lists_effective_date", "order_no": "lists_order_no", "order_date": "lists_order_date",
        "movement": "lists_movement", "reason": "lists_reason", "student_id": "lists_student_id",
        "full_name": "lists_full_name", "program_code": "lists_program_code", "program_name": "lists_program",
        "course": "lists_course",
    }, lang)
    totals = section(con, t("lists_mr_monthly", lang), f"""
        select effective_month, {movement} as movement, count(*) as n_orders,
               count(distinct student_id) as n_students
        from main.rpt_movement_register as r
        where {IN_PERIOD}
        group by all
        order by effective_month, movement collate {collation(lang)}
    """, args, {
        "effective_month": "lists_month", "movement": "lists_movement", "n_orders": "lists_n_orders",
        "n_students": "lists_n_students",
    }, lang)
    return list_document(con, params, "movement_register", t("lists_mr_name", lang), [orders, totals],
                         span=(start, end))


REPORT = list_report("movement_register", "lists_mr_name", "lists_mr_description", build,
                     required=("period",))
