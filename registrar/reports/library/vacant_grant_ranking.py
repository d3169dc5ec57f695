"""The ranking of paid students for vacant state grants (rules A5, B16), after each session of the
year: within programme group and course, by cumulative GPA through the term, highest first; equal
GPA: only A/A- results first, then only good or excellent, then the rest; students equal on both
share a place and the commission decides between them. The ranking is rpt_vacant_grant_ranking's;
this module only filters by year and faculty, sorts and picks the language's labels."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import (
    collation,
    in_faculty,
    label,
    list_document,
    list_report,
    require_year_rows,
    section,
    term_name,
)
from registrar.reports.base import ReportDocument, ReportParams


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, year = params.lang, params.year or ""
    require_year_rows(con, "rpt_vacant_grant_ranking", year, lang)
    terms = [r[0] for r in con.execute(
        "select distinct r.term, d.term_order from main.rpt_vacant_grant_ranking as r "
        "join main.dim_terms as d on r.academic_year = d.academic_year and r.term = d.term "
        "where r.academic_year = ? order by d.term_order", [year]).fetchall()]
    sections = [section(con, t("lists_vgr_after_term", lang, term=term_name(con, year, term, lang)), f"""
        select r.program_group, r.course, r.rank_in_group_course, r.student_id, r.full_name, r.program_code,
               p.{label('name', lang)} as program_name, r.group_code, round(r.cumulative_gpa, 2) as cumulative_gpa,
               r.{label('tie_group_label', lang)} as tie_group, r.n_debts
        from main.rpt_vacant_grant_ranking as r
        left join main.dim_programs as p on r.program_code = p.program_code
        where r.academic_year = $year and r.term = $term and {in_faculty('r')}
        order by r.program_group, r.course nulls last, r.rank_in_group_course,
                 r.full_name collate {collation(lang)}, r.student_id
    """, {"year": year, "term": term, "faculty": params.faculty}, {
        "program_group": "lists_program_group", "course": "lists_course", "rank_in_group_course": "lists_rank",
        "student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
        "program_name": "lists_program", "group_code": "lists_group", "cumulative_gpa": "lists_cumulative_gpa",
        "tie_group": "lists_tie_group", "n_debts": "lists_n_debts",
    }, lang) for term in terms]
    return list_document(con, params, "vacant_grant_ranking", t("lists_vgr_title", lang, year=year), sections,
                         extra=[(t("lists_vgr_ties", lang), t("lists_vgr_ties_rule", lang))])


REPORT = list_report("vacant_grant_ranking", "lists_vgr_name", "lists_vgr_description", build,
                     required=("year",), on_lists_page=True)
