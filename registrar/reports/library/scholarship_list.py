"""The state-scholarship list after a session (rules B11): the state-grant students eligible at the
standard rate, those at the increased rate for all-excellent results, and the state-grant students
not eligible with the reason. Eligibility, rate and reason are rpt_scholarship_eligibility's; this
module only filters by session and faculty, sorts and picks the language's labels."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import (
    collation,
    in_faculty,
    label,
    list_document,
    list_report,
    require_regular_term,
    section,
    term_name,
)
from registrar.reports.base import ReportDocument, ReportParams, Section

NAMED = {"student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
         "program_name": "lists_program", "course": "lists_course", "group_code": "lists_group"}


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, year = params.lang, params.year or ""
    term = require_regular_term(con, params)
    args = {"year": year, "term": term, "faculty": params.faculty}

    def students(heading: str, where: str, extra: dict[str, str]) -> Section:
        return section(con, t(heading, lang), f"""
            select s.student_id, s.full_name, s.program_code, p.{label('name', lang)} as program_name, s.course,
                   s.group_code, s.n_graded, s.n_excellent, s.n_below_good,
                   s.{label('scholarship_rate_label', lang)} as rate,
                   s.{label('ineligible_reason_label', lang)} as reason
            from main.rpt_scholarship_eligibility as s
            left join main.dim_programs as p on s.program_code = p.program_code
            where s.academic_year = $year and s.term = $term and {in_faculty('s')} and {where}
            order by s.program_code, s.course nulls last, s.full_name collate {collation(lang)}, s.student_id
        """, args, {**NAMED, **extra}, lang)

    sections = [
        students("lists_sch_eligible", "s.is_eligible and not s.is_increased",
                 {"n_graded": "lists_n_graded", "rate": "lists_rate"}),
        students("lists_sch_increased", "s.is_increased",
                 {"n_graded": "lists_n_graded", "n_excellent": "lists_n_excellent", "rate": "lists_rate"}),
        # the list is of the state-grant students; a paid student is never eligible
        students("lists_sch_not_eligible", "s.is_state_grant and not s.is_eligible",
                 {"n_graded": "lists_n_graded", "n_below_good": "lists_n_below_good", "reason": "lists_reason"}),
    ]
    return list_document(con, params, "scholarship_list",
                         t("lists_sch_title", lang, year=year, term=term_name(con, year, term, lang)), sections)


REPORT = list_report("scholarship_list", "lists_sch_name", "lists_sch_description", build,
                     required=("year", "term"), on_lists_page=True)
