"""Quarterly list of state-grant students with their mastered credits, for the accounting
department (rules B21): every student funded by the state grant on any day of the quarter, with
programme, course, the funding periods clipped to the quarter, and the credits mastered in the
quarter and up to its end. Due by the `state_grant_list_due_day` of the month after the quarter.

The clipping and the sums are the models' (rpt_state_grant_credits, rpt_state_grant_credit_periods);
this module only filters by quarter and faculty, sorts and picks the language's columns."""

from __future__ import annotations

import datetime as dt

import duckdb

from policy import dbt_vars
from registrar.common.i18n import t
from registrar.reports._lists import (
    check_quarter,
    collation,
    label,
    list_document,
    list_report,
    section,
    show_date,
    show_period,
)
from registrar.reports.base import ReportDocument, ReportParams

# The quarter's rows of a list: the whole university (faculty_code null) or the chosen faculty.
IN_SCOPE = "r.quarter = $quarter and r.faculty_code is not distinct from $faculty"


def due_date(quarter_end: dt.date) -> dt.date:
    """The day the list is due: the var's day of the month after the quarter."""
    first_next = quarter_end + dt.timedelta(days=1)
    return first_next.replace(day=int(dbt_vars()["state_grant_list_due_day"]))


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    start, end = check_quarter(con, params.quarter, lang)
    quarter = (params.quarter or "").strip().upper()
    args = {"quarter": quarter, "faculty": params.faculty}
    students = section(con, t("lists_sgc_students", lang), f"""
        select r.student_id, r.full_name, r.program_code, r.{label('program_name', lang)} as program_name, r.course,
               r.first_day, r.last_day, r.n_days, r.n_periods, r.credits_quarter, r.credits_total
        from main.rpt_state_grant_credits as r
        where {IN_SCOPE}
        order by r.program_code, r.full_name collate {collation(lang)}, r.student_id
    """, args, {
        "student_id": "lists_student_id", "full_name": "lists_full_name", "program_code": "lists_program_code",
        "program_name": "lists_program", "course": "lists_course", "first_day": "lists_grant_from",
        "last_day": "lists_grant_to", "n_days": "lists_grant_days", "n_periods": "lists_grant_periods",
        "credits_quarter": "lists_credits_quarter", "credits_total": "lists_credits_total",
    }, lang)
    periods = section(con, t("lists_sgc_periods", lang), f"""
        select p.student_id, p.full_name, p.period_from, p.period_to, p.program_code, p.course,
               p.{label('status_label', lang)} as status
        from main.rpt_state_grant_credit_periods as p
        where p.quarter = $quarter and ($faculty is null or p.faculty_code = $faculty)
        order by p.full_name collate {collation(lang)}, p.student_id, p.period_from
    """, args, {
        "student_id": "lists_student_id", "full_name": "lists_full_name", "period_from": "lists_period_from",
        "period_to": "lists_period_to", "program_code": "lists_program_code", "course": "lists_course",
        "status": "lists_status",
    }, lang)
    return list_document(con, params, "state_grant_credits",
                         t("lists_sgc_title", lang, quarter=quarter, due=show_date(due_date(end))), [students, periods],
                         on=[(t("lists_quarter", lang), f"{quarter} ({show_period(start, end)})"),
                             (t("lists_due_by", lang), show_date(due_date(end)))], when=quarter)


REPORT = list_report("state_grant_credits", "lists_sgc_name", "lists_sgc_description", build,
                     required=("quarter",))
