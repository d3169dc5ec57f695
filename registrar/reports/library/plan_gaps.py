"""Students missing due disciplines of their plan on a date, and the academic difference of students
who entered by transfer or readmission at a later course (statute 4.1.3, 4.3.6; rpt_plan_gaps)."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import collation, label, list_document, list_report, section, show_date
from registrar.reports.base import ReportDocument, ReportParams

HEADERS = {
    "student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
    "group_code": "lists_pg_group", "discipline_code": "lists_discipline_code", "discipline_name": "lists_discipline",
    "semester_no": "lists_pg_semester", "credits": "lists_pg_credits", "due_on": "lists_pg_due_on",
}


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    day = params.as_of
    sql = f"""
        select g.student_id, s.full_name, s.program_code, s.group_code, g.discipline_code,
               d.{label('name', lang)} as discipline_name, g.semester_no, g.credits, g.due_on
        from main.rpt_plan_gaps as g
        join main.dim_students as s on g.student_id = s.student_id
        left join main.dim_disciplines as d on g.discipline_code = d.discipline_code
        where g.gap_kind = $kind and g.due_on <= $day and (g.passed_on is null or g.passed_on > $day)
          and ($faculty is null or s.faculty_code = $faculty)
          and exists (select 1 from main.fct_student_status_history as h
                      where h.student_id = g.student_id and h.is_enrolled
                        and h.valid_from <= $day and (h.valid_to is null or h.valid_to > $day))
        order by s.full_name collate {collation(lang)}, g.student_id, g.semester_no, g.discipline_code
    """
    args = {"day": day, "faculty": params.faculty}
    plan = section(con, t("lists_pg_plan", lang), sql, {**args, "kind": "plan"}, HEADERS, lang)
    difference = section(con, t("lists_pg_difference", lang), sql, {**args, "kind": "difference"}, HEADERS, lang)
    return list_document(con, params, "plan_gaps", t("lists_pg_name", lang), [plan, difference],
                         on=[(t("lists_pg_on", lang), show_date(day))], when=f"{day:%Y%m%d}")


REPORT = list_report("plan_gaps", "lists_pg_name", "lists_pg_description", build,
                     required=("as_of",), on_lists_page=True)
