"""Draft order lines after a session (rules B31), for the registrar to paste into the AIS: one sheet
per kind of order — promotion to the next course and expulsion for academic failure (after the
year's closing session), state scholarship award (after each regular session). The lines are
rpt_term_end_orders'; this module only filters by session and faculty, sorts and picks the
language's labels. A kind with no line in the session keeps its (empty) sheet, so the file always
has the same sheets."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import collation, in_faculty, label, list_document, list_report, section, term_name
from registrar.reports.base import ReportDocument, ReportParams

# The columns of each kind's sheet, after the student.
KIND_COLUMNS = {
    "promotion_order": {"course": "lists_course", "next_course": "lists_next_course", "movement": "lists_movement",
                  "transfer_gpa": "lists_transfer_gpa", "transfer_gpa_threshold": "lists_threshold"},
    "scholarship_award": {"course": "lists_course", "rate": "lists_rate"},
    "expulsion_order": {"course": "lists_course", "movement": "lists_movement", "reason": "lists_reason",
                  "transfer_gpa": "lists_transfer_gpa", "transfer_gpa_threshold": "lists_threshold",
                  "n_debts": "lists_n_debts"},
}
STUDENT = {"student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
           "program_name": "lists_program", "group_code": "lists_group"}


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, year, term = params.lang, params.year or "", params.term or ""
    # the kinds in the seed's reading order (academic_list_labels, list order_kind), each a sheet even
    # when this session has no line of it
    kinds = con.execute(f"select order_kind, any_value({label('order_kind_label', lang)}) "
                        "from main.rpt_term_end_orders group by order_kind "
                        "order by min(order_kind_sort_order), order_kind").fetchall()
    sections = [section(con, kind_label or kind, f"""
        select o.student_id, o.full_name, o.program_code, p.{label('name', lang)} as program_name, o.group_code,
               o.course, o.next_course, o.{label('movement_label', lang)} as movement,
               o.{label('reason_label', lang)} as reason, o.{label('scholarship_rate_label', lang)} as rate,
               round(o.transfer_gpa, 2) as transfer_gpa, o.transfer_gpa_threshold, o.n_debts
        from main.rpt_term_end_orders as o
        left join main.dim_programs as p on o.program_code = p.program_code
        where o.academic_year = $year and o.term = $term and o.order_kind = $kind and {in_faculty('o')}
        order by o.program_code, o.course nulls last, o.full_name collate {collation(lang)}, o.student_id
    """, {"year": year, "term": term, "kind": kind, "faculty": params.faculty},
        {**STUDENT, **KIND_COLUMNS.get(kind, {"course": "lists_course"})}, lang) for kind, kind_label in kinds]
    return list_document(con, params, "term_end_orders",
                         t("lists_teo_title", lang, year=year, term=term_name(con, year, term, lang)), sections)


REPORT = list_report("term_end_orders", "lists_teo_name", "lists_teo_description", build,
                     required=("year", "term"), on_lists_page=True)
