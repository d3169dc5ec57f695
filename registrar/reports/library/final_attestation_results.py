"""Final attestation results (rules B26): state exams and thesis defences by programme — graded,
passed, the distribution of letters (the columns follow the grade-scale seed) and the students
eligible for an honours diploma — then every result."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import check_span, collation, label, list_document, list_report, period, section, tidy
from registrar.reports.base import ReportDocument, ReportParams, Section

IN_SCOPE = """
    ($start is null or f.session_ends_on between $start and $end)
    and ($faculty is null or f.faculty_code = $faculty)
"""


def letters(con: duckdb.DuckDBPyConnection, args: dict[str, object]) -> list[str]:
    """The letters of the scale in use, best first, then any other letter the results carry (P)."""
    scale = [r[0] for r in con.execute(
        "select letter_grade from main.rpt_grade_letters where is_on_scale order by sort_order").fetchall()]
    seen = [r[0] for r in con.execute(
        f"select distinct letter_grade from main.rpt_final_attestation_results as f where {IN_SCOPE} order by 1",
        args).fetchall()]
    return scale + [letter for letter in seen if letter not in scale]


def by_programme(con: duckdb.DuckDBPyConnection, args: dict[str, object], lang: str) -> Section:
    order = letters(con, args)
    # one count per letter, each letter bound as a parameter (l0, l1, …)
    per_letter = "".join(f", count(*) filter (where f.letter_grade = $l{i}) as l{i}" for i in range(len(order)))
    frame = con.execute(f"""
        select f.program_code, pr.{label('name', lang)} as program_name,
               count(*) as n_graded, count(*) filter (where f.is_passed) as n_passed
               {per_letter},
               count(distinct f.student_id) filter (where f.is_honours_eligible) as n_honours
        from main.rpt_final_attestation_results as f
        left join main.dim_programs as pr on f.program_code = pr.program_code
        where {IN_SCOPE}
        group by all order by f.program_code
    """, {**args, **{f"l{i}": letter for i, letter in enumerate(order)}}).df()
    frame = frame.rename(columns={
        "program_code": t("lists_program_code", lang), "program_name": t("lists_program", lang),
        "n_graded": t("lists_n_graded", lang), "n_passed": t("lists_n_passed", lang),
        "n_honours": t("lists_n_honours", lang), **{f"l{i}": letter for i, letter in enumerate(order)}})
    return Section(t("lists_far_by_programme", lang), tidy(frame))


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    span = period(params, required=False)
    if span:
        check_span(con, *span, lang)
    start, end = span or (None, None)
    args: dict[str, object] = {"start": start, "end": end, "faculty": params.faculty}
    results = section(con, t("lists_far_results", lang), f"""
        select f.program_code, f.full_name, f.student_id, d.{label('name', lang)} as discipline_name,
               f.academic_year, f.graded_on, f.final_score, f.letter_grade,
               f.{label('traditional_grade_label', lang)} as traditional_grade, f.is_passed, f.is_honours_eligible
        from main.rpt_final_attestation_results as f
        left join main.dim_disciplines as d on f.discipline_code = d.discipline_code
        where {IN_SCOPE}
        order by f.program_code, f.full_name collate {collation(lang)}, f.student_id, f.term_seq, f.discipline_code
    """, args, {
        "program_code": "lists_program_code", "full_name": "lists_full_name", "student_id": "lists_student_id",
        "discipline_name": "lists_discipline", "academic_year": "lists_academic_year", "graded_on": "lists_graded_on",
        "final_score": "lists_final_score", "letter_grade": "lists_letter",
        "traditional_grade": "lists_traditional_grade", "is_passed": "lists_passed",
        "is_honours_eligible": "lists_honours",
    }, lang)
    for col in (t("lists_passed", lang), t("lists_honours", lang)):
        results.frame[col] = results.frame[col].map({True: t("lists_yes", lang), False: t("lists_no", lang)})
    return list_document(con, params, "final_attestation_results", t("lists_far_name", lang),
                         [by_programme(con, args, lang), results],
                         span=span, on=[])


REPORT = list_report("final_attestation_results", "lists_far_name", "lists_far_description", build,
                     optional=("period", "faculty"))
