"""Progression after an academic year (rules A4, B14): per course, the students promoted, those
below the transfer GPA (repeat year or paid retake) and the candidates for expulsion for academic
failure, with the threshold each was held to. The outcome and threshold are rpt_progression's (vars
`transfer_gpa_thresholds`, `expulsion_candidate_min_debts`); this module only filters by year and
faculty, counts per course, sorts and picks the language's labels."""

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
from registrar.reports.base import ReportDocument, ReportParams

OUTCOME_SECTIONS = (("promoted", "lists_prog_promoted"), ("below_threshold", "lists_prog_below"),
                    ("expulsion_candidate", "lists_prog_expulsion"))


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, year = params.lang, params.year or ""
    require_year_rows(con, "rpt_progression", year, lang)
    args = {"year": year, "faculty": params.faculty}
    scope = f"r.academic_year = $year and r.progression_outcome is not null and {in_faculty('r')}"
    by_course = section(con, t("lists_prog_by_course", lang), f"""
        select r.course, min(r.transfer_gpa_threshold) as threshold,
               count(*) filter (where r.progression_outcome = 'promoted') as n_promoted,
               count(*) filter (where r.progression_outcome = 'below_threshold') as n_below,
               count(*) filter (where r.progression_outcome = 'expulsion_candidate') as n_expulsion
        from main.rpt_progression as r
        where {scope}
        group by r.course order by r.course nulls last
    """, args, {"course": "lists_course", "threshold": "lists_threshold", "n_promoted": "lists_n_promoted",
                "n_below": "lists_n_below", "n_expulsion": "lists_n_expulsion"}, lang)
    sections = [by_course] + [section(con, t(heading, lang), f"""
        select r.course, r.next_course, r.student_id, r.full_name, r.program_code,
               p.{label('name', lang)} as program_name, r.group_code, round(r.transfer_gpa, 2) as transfer_gpa,
               r.transfer_gpa_threshold, r.n_debts_at_year_end,
               r.{label('progression_outcome_label', lang)} as outcome
        from main.rpt_progression as r
        left join main.dim_programs as p on r.program_code = p.program_code
        where {scope} and r.progression_outcome = $outcome
        order by r.course nulls last, r.program_code, r.full_name collate {collation(lang)}, r.student_id
    """, {**args, "outcome": outcome}, {
        "course": "lists_course", **({"next_course": "lists_next_course"} if outcome == "promoted" else {}),
        "student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
        "program_name": "lists_program", "group_code": "lists_group", "transfer_gpa": "lists_transfer_gpa",
        "transfer_gpa_threshold": "lists_threshold", "n_debts_at_year_end": "lists_n_debts",
        "outcome": "lists_outcome",
    }, lang) for outcome, heading in OUTCOME_SECTIONS]
    variables = dbt_vars()
    thresholds = ", ".join(f"{course}: {value}" for course, value in
                           sorted(variables["transfer_gpa_thresholds"].items(), key=lambda kv: int(kv[0])))
    return list_document(con, params, "progression", t("lists_prog_title", lang, year=year), sections, extra=[
        (t("lists_prog_thresholds", lang), thresholds),
        (t("lists_prog_min_debts", lang), str(variables["expulsion_candidate_min_debts"]))])


REPORT = list_report("progression", "lists_prog_name", "lists_prog_description", build,
                     required=("year",), on_lists_page=True)
