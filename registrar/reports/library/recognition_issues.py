"""Recognition protocols that break a rule (statute 4.1.16, rules B6), for the registrar to correct
in the AIS: one row per protocol line and failed check, with the clause it breaks
(rpt_recognition_protocol_issues)."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import collation, label, list_document, list_report, period, section
from registrar.reports.base import ReportDocument, ReportParams


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    start, end = period(params, required=True)
    rows = section(con, "", f"""
        select i.protocol_no, i.protocol_date, i.student_id, i.full_name, i.program_code, i.discipline_code,
               i.academic_year, i.term, i.rule, i.{label('label', lang)} as issue, i.details
        from main.rpt_recognition_protocol_issues as i
        left join main.dim_programs as pr on i.program_code = pr.program_code
        where i.protocol_date between $start and $end and ($faculty is null or pr.faculty_code = $faculty)
        order by i.protocol_date, i.protocol_no, i.full_name collate {collation(lang)}, i.student_id,
                 i.discipline_code, i.issue_code
    """, {"start": start, "end": end, "faculty": params.faculty}, {
        "protocol_no": "lists_ri_protocol_no", "protocol_date": "lists_ri_protocol_date",
        "student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
        "discipline_code": "lists_discipline_code", "academic_year": "lists_academic_year", "term": "lists_term",
        "rule": "lists_ri_rule", "issue": "lists_ri_issue", "details": "lists_ri_details",
    }, lang)
    return list_document(con, params, "recognition_issues", t("lists_ri_name", lang), [rows],
                         span=(start, end))


REPORT = list_report("recognition_issues", "lists_ri_name", "lists_ri_description", build,
                     required=("period",), on_lists_page=True)
