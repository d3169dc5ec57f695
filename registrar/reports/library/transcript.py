"""Transcript of one student (docs/rules.md B28): programme, every discipline by term with credits,
letter, points and traditional grade, the term and cumulative GPA, and the credits earned
against the programme's requirement, in Kazakh, Russian or English.

Reads main.rpt_transcript (the standing result of each discipline in each term),
main.fct_student_terms (GPA per term) and main.dim_students / dim_programs, each with its
labels (term, level) in every language. GPA is shown rounded to 2 decimals (rpt_transcript keeps it
unrounded).

An official document (issue 23 point 11): an outgoing number of the register of issued documents and
the day of issue (given when it is made, registrar/reports/issued.py), the grade scale in use as a
legend under the grades (main.rpt_transcript_grade_scale), the signatory and the place of the stamp
(settings document_signatory_*), and no internal "warehouse refreshed" line.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from policy import settings
from registrar.common.i18n import t
from registrar.reports.base import Report, ReportDocument, ReportError, ReportParams, Section
from registrar.reports.export import file_stem

NAME = "transcript"


def student_header(con: duckdb.DuckDBPyConnection, student: str, lang: str) -> dict[str, object]:
    """The student's name, programme and faculty in `lang` (a validated language code)."""
    row = con.execute(
        f"""
        select s.student_id, s.full_name, p.program_code, p.name_{lang} as program_name,
               p.faculty_name_{lang} as faculty_name, p.credits_required, s.level_label_{lang} as level
        from main.dim_students as s
        inner join main.dim_programs as p on s.program_code = p.program_code
        where s.student_id = ?
        """,  # noqa: S608 - only the language code, checked by params.parse, is formatted in
        [student],
    ).fetchone()
    if row is None:
        raise ReportError(t("report_err_student", lang, value=student))
    keys = ("student_id", "full_name", "program_code", "program_name", "faculty_name", "credits_required", "level")
    return dict(zip(keys, row, strict=True))


def signatories(lang: str) -> list[tuple[str, str]]:
    """Who signs a student document: position in `lang` and name (settings document_signatory_*)."""
    values = settings()
    position = str(values.get(f"document_signatory_position_{lang}") or "")
    name = str(values.get("document_signatory_name") or "")
    return [(position, name)] if position or name else []


def grade_scale_legend(con: duckdb.DuckDBPyConnection, lang: str) -> pd.DataFrame:
    """The grade scale in use, best letter first: letter, points, the final scores that earn it, the
    traditional grade."""
    legend = con.execute(
        f"""
        select letter_grade, grade_points, min_percent::varchar || '–' || max_percent::varchar as percent,
               traditional_grade_{lang} as traditional_grade
        from main.rpt_transcript_grade_scale
        order by sort_order
        """,  # noqa: S608 - only the language code, checked by params.parse, is formatted in
    ).df()
    legend.columns = [t(f"transcript_col_scale_{c}", lang) for c in ("letter", "points", "percent", "traditional")]
    return legend


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, student = params.lang, params.student or ""
    head = student_header(con, student, lang)
    lines = con.execute(
        f"""
        select r.academic_year, r.term_label_{lang} as term, r.discipline_code,
               r.discipline_name_{lang} as discipline, r.credits, r.final_score, r.letter_grade,
               r.grade_points, r.traditional_grade_{lang} as traditional_grade
        from main.rpt_transcript as r
        where r.student_id = ?
        order by r.term_seq, r.discipline_code
        """,  # noqa: S608
        [student],
    ).df()
    lines.columns = [t(f"transcript_col_{c}", lang) for c in
                     ("academic_year", "term", "discipline_code", "discipline", "credits", "final_score",
                      "letter_grade", "grade_points", "traditional_grade")]
    terms = con.execute(
        f"""
        select st.academic_year, st.term_label_{lang} as term, st.credits_attempted,
               st.credits_earned, round(st.term_gpa, 2) as term_gpa, round(st.cumulative_gpa, 2) as cumulative_gpa,
               st.cumulative_credits_earned
        from main.fct_student_terms as st
        where st.student_id = ?
        order by st.term_seq
        """,  # noqa: S608
        [student],
    ).df()
    terms.columns = [t(f"transcript_col_{c}", lang) for c in
                     ("academic_year", "term", "credits_attempted", "credits_earned", "term_gpa", "cumulative_gpa",
                      "cumulative_credits_earned")]
    earned, gpa = con.execute(
        "select cumulative_credits_earned, round(cumulative_gpa, 2) from main.fct_student_terms "
        "where student_id = ? order by term_seq desc limit 1",
        [student],
    ).fetchone() or (0, None)
    required = head["credits_required"]
    total = pd.DataFrame([{
        t("transcript_col_cumulative_credits_earned", lang): earned,
        t("transcript_col_credits_required", lang): required,
        t("transcript_col_credits_remaining", lang): None if required is None else max(int(required) - int(earned), 0),
        t("transcript_col_cumulative_gpa", lang): gpa,
    }])
    return ReportDocument(
        title=t("transcript_title", lang),
        parameters=[
            (t("transcript_student", lang), f"{head['full_name']} ({head['student_id']})"),
            (t("transcript_program", lang), f"{head['program_code']} {head['program_name']}"),
            (t("transcript_faculty", lang), str(head["faculty_name"] or "")),
            (t("transcript_level", lang), str(head["level"] or "")),
        ],
        sections=[
            Section(t("transcript_section_disciplines", lang), lines),
            Section(t("transcript_section_terms", lang), terms),
            Section(t("transcript_section_total", lang), total),
            Section(t("transcript_section_scale", lang), grade_scale_legend(con, lang)),
        ],
        file_stem=file_stem(NAME, params),
        signatories=signatories(lang),
        stamp_place=t("document_stamp_place", lang),
        show_refreshed=False,
    )


REPORT = Report(
    name=NAME,
    title_key="transcript_title",
    description_key="transcript_description",
    required=("student",),
    optional=(),
    formats=("xlsx", "pdf", "csv"),
    build=build,
    numbered=True,
)
