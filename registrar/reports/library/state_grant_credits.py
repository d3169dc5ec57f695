"""Quarterly list of state-grant students with their mastered credits, for the accounting
department (rules B21): every student funded by the state grant on any day of the quarter, with
programme, course, the funding periods clipped to the quarter, and the credits mastered in the
quarter and up to its end. Due by the `state_grant_list_due_day` of the month after the quarter."""

from __future__ import annotations

import datetime as dt

import duckdb

from policy import dbt_vars
from registrar.common.i18n import t
from registrar.reports._lists import check_quarter, collation, faculty_name, label, section, show_date
from registrar.reports.base import Report, ReportDocument, ReportParams

# The state-grant periods overlapping the quarter [$start, $end], clipped to it (valid_to is exclusive).
PERIODS = """
    select
        p.student_id,
        greatest(p.valid_from, $start) as period_from,
        least(coalesce(p.valid_to - interval 1 day, $end), $end)::date as period_to,
        p.program_code, p.faculty_code, p.course, p.status, p.valid_from
    from main.rpt_state_grant_periods as p
    where p.valid_from <= $end and (p.valid_to is null or p.valid_to > $start)
      and ($faculty is null or p.faculty_code = $faculty)
"""


def due_date(quarter_end: dt.date) -> dt.date:
    """The day the list is due: the var's day of the month after the quarter."""
    first_next = quarter_end + dt.timedelta(days=1)
    return first_next.replace(day=int(dbt_vars()["state_grant_list_due_day"]))


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    start, end = check_quarter(con, params.quarter, lang)
    quarter = (params.quarter or "").strip().upper()
    faculty = faculty_name(con, params)
    args = {"start": start, "end": end, "faculty": params.faculty}
    name = label("name", lang)
    students = section(con, t("lists_sgc_students", lang), f"""
        with periods as ({PERIODS}),
        latest as (
            -- programme and course of the last state-grant period in the quarter
            select * from periods
            qualify row_number() over (partition by student_id order by valid_from desc) = 1
        ),
        days as (
            select student_id, min(period_from) as first_day, max(period_to) as last_day,
                   sum(date_diff('day', period_from, period_to) + 1)::integer as n_days, count(*) as n_periods
            from periods group by student_id
        ),
        credits as (
            select student_id,
                   coalesce(sum(credits) filter (where mastered_on between $start and $end), 0) as credits_quarter,
                   coalesce(sum(credits) filter (where mastered_on <= $end), 0) as credits_total
            from main.rpt_credits_mastered group by student_id
        )
        select s.student_id, s.full_name, l.program_code, pr.{name} as program_name, l.course,
               d.first_day, d.last_day, d.n_days, d.n_periods,
               coalesce(c.credits_quarter, 0) as credits_quarter, coalesce(c.credits_total, 0) as credits_total
        from latest as l
        join days as d using (student_id)
        join main.dim_students as s using (student_id)
        left join main.dim_programs as pr on l.program_code = pr.program_code
        left join credits as c using (student_id)
        order by l.program_code, s.full_name collate {collation(lang)}, s.student_id
    """, args, {
        "student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
        "program_name": "lists_program", "course": "lists_course", "first_day": "lists_grant_from",
        "last_day": "lists_grant_to", "n_days": "lists_grant_days", "n_periods": "lists_grant_periods",
        "credits_quarter": "lists_credits_quarter", "credits_total": "lists_credits_total",
    }, lang)
    periods = section(con, t("lists_sgc_periods", lang), f"""
        with periods as ({PERIODS})
        select p.student_id, s.full_name, p.period_from, p.period_to, p.program_code, p.course,
               st.{label('label', lang)} as status
        from periods as p
        join main.dim_students as s using (student_id)
        left join reference.contingent_statuses as st on p.status = st.status
        order by s.full_name collate {collation(lang)}, p.student_id, p.period_from
    """, args, {
        "student_id": "lists_student_id", "full_name": "lists_full_name", "period_from": "lists_period_from",
        "period_to": "lists_period_to", "program_code": "lists_program_code", "course": "lists_course",
        "status": "lists_status",
    }, lang)
    parameters = [(t("lists_quarter", lang), f"{quarter} ({show_date(start)} – {show_date(end)})"),
                  (t("lists_due_by", lang), show_date(due_date(end)))]
    if faculty:
        parameters.append((t("lists_faculty", lang), faculty))
    stem = f"state_grant_credits_{quarter}" + (f"_{params.faculty}" if params.faculty else "")
    return ReportDocument(
        title=t("lists_sgc_title", lang, quarter=quarter, due=show_date(due_date(end))),
        parameters=parameters, sections=[students, periods], file_stem=stem)


REPORT = Report(
    name="state_grant_credits",
    title_key="lists_sgc_name",
    description_key="lists_sgc_description",
    required=("quarter",),
    optional=("faculty",),
    formats=("xlsx", "csv", "pdf"),
    build=build,
)
