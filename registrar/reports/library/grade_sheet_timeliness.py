"""Grade-sheet timeliness (rules B27): first-attempt session results recorded after their term's
exam period ended, by teacher and discipline, with how late (days: most, mean, how many); then
each teacher's totals."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import collation, label, list_document, list_report, period, section
from registrar.reports.base import ReportDocument, ReportParams

LATE_SHEETS = """
    select g.*, te.full_name as teacher_name, te.faculty_code as teacher_faculty
    from main.rpt_grade_sheet_timeliness as g
    left join main.dim_teachers as te on g.teacher_id = te.teacher_id
    where g.n_late > 0
      and ($start is null or g.exams_end_on between $start and $end)
      and ($faculty is null or te.faculty_code = $faculty)
"""


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    span = period(params, required=False)
    start, end = span or (None, None)
    args: dict[str, object] = {"start": start, "end": end, "faculty": params.faculty}
    by_name = f"s.teacher_name collate {collation(lang)}, s.teacher_id"
    sheets = section(con, t("lists_gst_sheets", lang), f"""
        with s as ({LATE_SHEETS})
        select s.teacher_name, s.teacher_id, s.discipline_code, d.{label('name', lang)} as discipline_name,
               s.academic_year, s.{label('term_label', lang)} as term_label, s.exams_end_on, s.n_results, s.n_late,
               s.max_days_late, round(s.mean_days_late, 1) as mean_days_late, s.last_graded_on
        from s
        left join main.dim_disciplines as d on s.discipline_code = d.discipline_code
        order by {by_name}, s.term_seq, s.discipline_code
    """, args, {
        "teacher_name": "lists_teacher", "teacher_id": "lists_teacher_id", "discipline_code": "lists_discipline_code",
        "discipline_name": "lists_discipline", "academic_year": "lists_academic_year", "term_label": "lists_term",
        "exams_end_on": "lists_exams_end_on", "n_results": "lists_n_results", "n_late": "lists_n_late",
        "max_days_late": "lists_max_days_late", "mean_days_late": "lists_mean_days_late",
        "last_graded_on": "lists_last_graded_on",
    }, lang)
    teachers = section(con, t("lists_gst_teachers", lang), f"""
        with s as ({LATE_SHEETS}),
        per_teacher as (
            select s.teacher_name, s.teacher_id, count(*) as n_sheets, sum(s.n_late)::integer as n_late,
                   max(s.max_days_late) as max_days_late,
                   round(sum(s.mean_days_late * s.n_late) / sum(s.n_late), 1) as mean_days_late
            from s
            group by all
        )
        select * from per_teacher as s
        order by {by_name}
    """, args, {
        "teacher_name": "lists_teacher", "teacher_id": "lists_teacher_id", "n_sheets": "lists_n_sheets",
        "n_late": "lists_n_late", "max_days_late": "lists_max_days_late", "mean_days_late": "lists_mean_days_late",
    }, lang)
    return list_document(con, params, "grade_sheet_timeliness", t("lists_gst_name", lang), [sheets, teachers],
                         span=span, on=[])


REPORT = list_report("grade_sheet_timeliness", "lists_gst_name", "lists_gst_description", build,
                     optional=("period", "faculty"))
