"""Academic debtors after a session (rules B19): every result that stood unpassed when the session
closed, with what clears it and by when, and what became of it; then the debts cleared in the summer
term. The debts, deadlines (var `debt_exam_retake_days`) and outcomes are rpt_session_debts'; this
module only filters by session and faculty, sorts and picks the language's labels."""

from __future__ import annotations

import duckdb

from policy import dbt_vars
from registrar.common.i18n import t
from registrar.reports._lists import collation, in_faculty, label, list_document, list_report, section, term_name
from registrar.reports.base import ReportDocument, ReportParams, Section

HEADERS = {"student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
           "group_code": "lists_group", "discipline_code": "lists_discipline_code",
           "discipline_name": "lists_discipline", "credits": "lists_credits", "letter_grade": "lists_letter"}


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, year, term = params.lang, params.year or "", params.term or ""
    args = {"year": year, "term": term, "faculty": params.faculty}

    def debts(heading: str, where: str, extra: dict[str, str]) -> Section:
        return section(con, t(heading, lang), f"""
            select d.student_id, d.full_name, d.program_code, d.group_code, d.discipline_code,
                   d.{label('discipline_name', lang)} as discipline_name, d.credits, d.letter_grade,
                   d.{label('required_action_label', lang)} as required_action, d.retake_deadline,
                   d.{label('debt_outcome_label', lang)} as outcome, d.cleared_on
            from main.rpt_session_debts as d
            where d.academic_year = $year and d.term = $term and {in_faculty('d')} and {where}
            order by d.program_code, d.full_name collate {collation(lang)}, d.student_id, d.discipline_code
        """, args, {**HEADERS, **extra}, lang)

    return list_document(
        con, params, "academic_debtors", t("lists_debt_title", lang, year=year, term=term_name(con, year, term, lang)),
        [debts("lists_debt_after", "true", {"required_action": "lists_required_action",
                                                     "retake_deadline": "lists_retake_deadline",
                                                     "outcome": "lists_outcome", "cleared_on": "lists_cleared_on"}),
                  debts("lists_debt_cleared_summer", "d.is_cleared_in_summer",
                        {"required_action": "lists_required_action", "cleared_on": "lists_cleared_on"})],
        extra=[(t("lists_debt_retake_days", lang), str(dbt_vars()["debt_exam_retake_days"]))])


REPORT = list_report("academic_debtors", "lists_debt_name", "lists_debt_description", build,
                     required=("year", "term"), on_lists_page=True)
