"""Home page: what the warehouse holds and as of when, what changed since the previous refresh, and
what needs this user's attention (issue 23, point 10). Every figure is within the user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from dashboards.data import frame
from dashboards.queries.contingent import movement_faculty
from policy import dbt_vars
from registrar.access.scope import Scope
from registrar.reports.library.state_grant_credits import due_date
from registrar.reports.params import quarter_bounds


def holdings(scope: Scope) -> dict[str, Any]:
    """Students ever admitted and studying now (dim_students.is_studying, from the statuses seed), and the
    terms that have grades."""
    where, params = scope.faculty_filter("s.faculty_code")
    students = frame(
        "select count(*) as n_students, "
        "count(*) filter (where s.is_studying) as n_studying, "
        "count(distinct s.faculty_code) as n_faculties, count(distinct s.program_code) as n_programs "
        "from main.dim_students s "
        f"where {where}", params)
    terms = frame(
        "select min(academic_year) as first_year, max(academic_year) as last_year, "
        "count(distinct academic_year || '/' || term) as n_terms "
        f"from main.fct_attestation_results where {scope.faculty_filter()[0]}", scope.faculty_filter()[1])
    return {**students.iloc[0].to_dict(), **terms.iloc[0].to_dict()}


def latest_dates() -> pd.DataFrame:
    """The latest order and the latest term in the data: how current the extract is."""
    return frame(
        "select (select max(order_date) from main.fct_contingent_movements) as last_order, "
        "(select max(ends_on) from main.dim_terms where is_in_calendar) as last_term_end")


def headcount(scope: Scope, day: dt.date) -> int:
    """Students counting in the headcount on `day` (rules B10), as the Contingent page counts them."""
    where, params = scope.faculty_filter("p.faculty_code")
    student, student_params = scope.student_filter("p.student_id")
    return int(frame("select count(*) filter (where p.counts_in_headcount) as n from main.fct_contingent_periods p "
                     f"where ? between p.valid_from and p.valid_to_inclusive and {where} and {student}",
                     [day, *params, *student_params])["n"].iloc[0])


def since(scope: Scope, previous: dt.date, now: dt.date) -> dict[str, int]:
    """What the data gained after the previous refresh's extract date `previous` up to `now`: the
    headcount on each date, order lines signed and results recorded after `previous`."""
    where_m, params_m = scope.faculty_filter(movement_faculty())
    student_m, student_params_m = scope.student_filter("m.student_id")
    where_s, params_s = scope.faculty_filter("s.faculty_code")
    student_g, student_params_g = scope.student_filter("g.student_id")
    orders = frame(f"select count(*) as n from main.fct_contingent_movements m where m.order_date > ? "
                   f"and {where_m} and {student_m}", [previous, *params_m, *student_params_m])
    results = frame("select count(*) as n from main.fct_grades g join main.dim_students s on s.student_id = "
                    f"g.student_id where g.graded_on > ? and {where_s} and {student_g}",
                    [previous, *params_s, *student_params_g])
    return {"headcount_then": headcount(scope, previous), "headcount_now": headcount(scope, now),
            "new_orders": int(orders["n"].iloc[0]), "new_results": int(results["n"].iloc[0])}


def owing_today(scope: Scope) -> int:
    """Students in scope who owe at least one result on the data's last date (rpt_academic_debtors, B19)."""
    where, params = scope.faculty_filter("r.faculty_code")
    student, student_params = scope.student_filter("r.student_id")
    return int(frame(f"select count(distinct r.student_id) as n from main.rpt_academic_debtors r "
                     f"where {where} and {student}", [*params, *student_params])["n"].iloc[0])


def late_grade_sheets(scope: Scope, language: str) -> dict[str, Any]:
    """Grade sheets handed in late in the latest regular semester with results (rules B27; the summer
    term is a retake session, as Attestation opens on the latest regular one), of the teachers of the
    user's faculties: the session, its term's label in `language`, and how many sheets."""
    where, params = scope.faculty_filter("te.faculty_code")
    sx = {"kk": "kk", "ru": "ru"}.get(language, "en")
    found = frame(
        "with latest as (select max(r.term_seq) as term_seq from main.rpt_grade_sheet_timeliness r "
        "join main.dim_terms d on d.academic_year = r.academic_year and d.term = r.term "
        "where d.is_regular_semester) "
        f"select any_value(r.academic_year) as academic_year, any_value(coalesce(d.label_{sx}, r.term)) as term, "
        "count(*) filter (where r.n_late > 0) as n_late "
        "from main.rpt_grade_sheet_timeliness r join latest on r.term_seq = latest.term_seq "
        "left join main.dim_terms d on d.academic_year = r.academic_year and d.term = r.term "
        f"left join main.dim_teachers te on te.teacher_id = r.teacher_id where {where}", params)
    return found.iloc[0].to_dict()


def advisees(scope: Scope, language: str) -> pd.DataFrame:
    """An advisor's advisees (everyone in scope for another role): name, group, status label,
    cumulative GPA and the debts owed today; those with debts first."""
    student, params = scope.student_filter("s.student_id")
    where, faculty_params = scope.faculty_filter("s.faculty_code")
    sx = {"kk": "kk", "ru": "ru"}.get(language, "en")
    return frame(
        f"select s.student_id, s.full_name, s.group_code, s.status_label_{sx} as status, "
        "st.cumulative_gpa, coalesce(d.n_owed, 0) as n_owed "
        "from main.dim_students s left join main.fct_student_standing st on st.student_id = s.student_id "
        "left join (select student_id, count(*) as n_owed from main.rpt_academic_debtors group by 1) d "
        f"on d.student_id = s.student_id where s.is_studying and {student} and {where} "
        f"order by coalesce(d.n_owed, 0) desc, s.full_name collate {'kk' if language == 'kk' else 'ru'}",
        [*params, *faculty_params])


def next_due(today: dt.date) -> tuple[dt.date, dt.date]:
    """The registrar's next reports due from the first of this month: the state-grant credits list of a
    quarter (state_grant_credits.due_date, the rule the report itself states) and the headcount on the
    census date (var census_month_day)."""
    this_month = today.replace(day=1)
    quarter_ends = [quarter_bounds(f"{year}Q{n}")[1] for year in (today.year - 1, today.year, today.year + 1)
                    for n in (1, 2, 3, 4)]
    due = min(d for d in map(due_date, quarter_ends) if d >= this_month)
    census = next(c for c in (dt.date.fromisoformat(f"{y}-{dbt_vars()['census_month_day']}")
                              for y in (today.year, today.year + 1)) if c >= this_month)
    return due, census


def bench_calls(scope: Scope) -> list[tuple[str, Callable[[], object]]]:
    """The Home page's queries, for bench.latency."""
    return [("holdings", lambda: holdings(scope)), ("latest_dates", latest_dates),
            ("owing_today", lambda: owing_today(scope)), ("late_grade_sheets", lambda: late_grade_sheets(scope, "kk"))]
