"""Home page: what the warehouse holds and as of when."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from dashboards.data import frame
from registrar.access.scope import Scope


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


def bench_calls(scope: Scope) -> list[tuple[str, Callable[[], object]]]:
    """The Home page's queries, for bench.latency."""
    return [("holdings", lambda: holdings(scope)), ("latest_dates", latest_dates)]
