"""The summer term of an academic year by faculty (statute 4.1.14): registrations, credits taken,
results and debts cleared (rpt_summer_term)."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import label, list_document, list_report, section
from registrar.reports.base import ReportDocument, ReportError, ReportParams


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    year = params.year
    if not con.execute("select count(*) from main.rpt_summer_term where academic_year = ?", [year]).fetchone()[0]:
        raise ReportError(t("lists_st_no_summer", lang, year=year))
    rows = section(con, "", f"""
        select s.faculty_code, f.{label('name', lang)} as faculty, s.n_students, s.n_registrations,
               s.credits_taken, s.n_students_graded, s.n_passed, s.credits_passed, s.n_failed,
               s.n_debts_cleared, s.n_students_cleared
        from main.rpt_summer_term as s
        left join main.dim_faculties as f on s.faculty_code = f.faculty_code
        where s.academic_year = $year
        order by s.faculty_code
    """, {"year": year}, {
        "faculty_code": "lists_code_of_faculty", "faculty": "lists_faculty", "n_students": "lists_st_students",
        "n_registrations": "lists_st_registrations", "credits_taken": "lists_st_credits_taken",
        "n_students_graded": "lists_st_graded", "n_passed": "lists_st_passed",
        "credits_passed": "lists_st_credits_passed", "n_failed": "lists_st_failed",
        "n_debts_cleared": "lists_st_debts_cleared", "n_students_cleared": "lists_st_students_cleared",
    }, lang)
    return list_document(con, params, "summer_term", t("lists_st_name", lang), [rows],
                         on=[(t("reports_year", lang), year)], when=year)


REPORT = list_report("summer_term", "lists_st_name", "lists_st_description", build,
                     required=("year",), optional=(), on_lists_page=True)
