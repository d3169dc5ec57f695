"""Honours diplomas (rules A3, B15): the graduating students of a year (on the programme's last
course, or with a final-attestation result in it) who meet the honours rule, and those who miss it
by exactly one rule, with the rule. The checks are rpt_honours_graduates' (vars `honours_min_gpa`,
`honours_lowest_letter`, `honours_final_attestation_letters`); this module only filters by year
and faculty, sorts and picks the language's labels."""

from __future__ import annotations

import duckdb

from policy import dbt_vars
from registrar.common.i18n import t
from registrar.reports._lists import (
    collation,
    in_faculty,
    label,
    list_document,
    list_report,
    require_year_rows,
    section,
)
from registrar.reports.base import ReportDocument, ReportParams, Section


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, year = params.lang, params.year or ""
    require_year_rows(con, "rpt_honours_graduates", year, lang)
    args = {"year": year, "faculty": params.faculty}
    headers = {"student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
               "program_name": "lists_program", "group_code": "lists_group", "cumulative_gpa": "lists_cumulative_gpa",
               "lowest_letter": "lists_lowest_letter", "final_attestation_letters": "lists_final_attestation"}

    def graduates(heading: str, where: str, extra: dict[str, str]) -> Section:
        return section(con, t(heading, lang), f"""
            select h.student_id, h.full_name, h.program_code, p.{label('name', lang)} as program_name,
                   h.group_code, round(h.cumulative_gpa, 2) as cumulative_gpa, h.lowest_letter,
                   h.final_attestation_letters, h.{label('missed_rule_label', lang)} as missed_rule
            from main.rpt_honours_graduates as h
            left join main.dim_programs as p on h.program_code = p.program_code
            where h.academic_year = $year and {in_faculty('h')} and {where}
            order by h.program_code, h.full_name collate {collation(lang)}, h.student_id
        """, args, {**headers, **extra}, lang)

    variables = dbt_vars()
    rule = t("lists_hon_rule_text", lang, gpa=variables["honours_min_gpa"], letter=variables["honours_lowest_letter"],
             letters=", ".join(variables["honours_final_attestation_letters"]))
    return list_document(
        con, params, "honours_candidates", t("lists_hon_title", lang, year=year),
        [graduates("lists_hon_meets", "h.meets_honours", {}),
         graduates("lists_hon_one_short", "h.n_rules_missed = 1", {"missed_rule": "lists_missed_rule"})],
        extra=[(t("lists_hon_rule", lang), rule)])


REPORT = list_report("honours_candidates", "lists_hon_name", "lists_hon_description", build,
                     required=("year",), on_lists_page=True)
