"""Students on academic leave or outgoing mobility on a date, for the registrar and the deans: since
when, by which order, the expected return (the order's planned end, else the start plus var
academic_leave_max_months) and the overdue returns (rpt_leave_and_mobility)."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import collation, label, list_document, list_report, section, show_date
from registrar.reports.base import ReportDocument, ReportParams

HEADERS = {
    "student_id": "lists_student_id", "full_name": "lists_full_name", "faculty_code": "lists_code_of_faculty",
    "program_code": "lists_program_code", "course": "lists_course", "status": "lists_status",
    "order_no": "lists_order_no", "started_on": "lists_lm_since", "expected_return_on": "lists_lm_expected_return",
    "assumed": "lists_lm_assumed", "days_overdue": "lists_lm_days_overdue",
}


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    day = params.as_of
    sql = f"""
        select s.student_id, s.full_name, s.faculty_code, s.program_code, s.course,
               s.{label('status_label', lang)} as status, s.order_no, s.started_on, s.expected_return_on,
               case when s.is_return_assumed then $yes else $no end as assumed,
               greatest(date_diff('day', s.expected_return_on, $day), 0) as days_overdue
        from main.rpt_leave_and_mobility as s
        where s.started_on <= $day and (s.ended_on is null or s.ended_on > $day)
          and ($faculty is null or s.faculty_code = $faculty) and ($overdue_only = false or s.expected_return_on < $day)
        order by s.faculty_code, s.status, s.full_name collate {collation(lang)}, s.student_id
    """
    args = {"day": day, "faculty": params.faculty, "yes": t("lists_yes", lang), "no": t("lists_no", lang)}
    away = section(con, t("lists_lm_away", lang), sql, {**args, "overdue_only": False}, HEADERS, lang)
    overdue = section(con, t("lists_lm_overdue", lang), sql, {**args, "overdue_only": True}, HEADERS, lang)
    return list_document(con, params, "leave_and_mobility", t("lists_lm_name", lang), [away, overdue],
                         on=[(t("lists_lm_on", lang), show_date(day))], when=f"{day:%Y%m%d}")


REPORT = list_report("leave_and_mobility", "lists_lm_name", "lists_lm_description", build,
                     required=("as_of",), on_lists_page=True)
