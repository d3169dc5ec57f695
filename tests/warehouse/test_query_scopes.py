"""Every public query of dashboards/queries/*.py that takes a Scope, called as the dean of one
faculty on the shared demo, returns nothing of another faculty (rules B30): no faculty, programme,
group or student of another faculty, counts that add up with the other faculties' to the
university's, nothing about a student of another faculty, and nothing at all once the dean's page
is narrowed to another faculty. A new query without a call here fails the first test."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import pytest

from dashboards.data import frame
from dashboards.queries import attestation, contingent, home, student
from registrar.access.scope import Scope
from registrar.common.paths import Home

pytestmark = pytest.mark.xdist_group("dashboards")

MODULES = (attestation, contingent, home, student)
NOT_QUERIES = {"attestation.bench_calls", "contingent.bench_calls", "home.bench_calls", "student.bench_calls"}
# the students, results or lines a cell counts: a dean's plus the other faculties' are the university's
# results of a few rows only (the top 25 cells of the heatmap), or of shares of cohorts: not additive
NOT_ADDITIVE = {"attestation.heatmap", "contingent.retention"}
COUNTS = {"headcount", "n_not_counted", "n_movements", "n_graded", "n_passed", "n_quality", "n", "n_students",
          "n_studying", "n_faculties", "n_programs"}


@dataclass(frozen=True)
class Faculty:
    """One faculty of the demo and what belongs to it."""

    code: str
    programs: frozenset[str]
    groups: frozenset[str]
    students: frozenset[str]
    student: str  # one of its students with orders, results and a debt


@dataclass(frozen=True)
class Demo:
    own: Faculty
    other: Faculty
    others: tuple[str, ...]
    filters: attestation.Filters
    first: Any
    last: Any


@pytest.fixture(scope="module")
def demo(published_demo: Home) -> Demo:
    mp = pytest.MonkeyPatch()
    mp.setenv("REGISTRAR_HOME", str(published_demo.root))
    con = duckdb.connect(str(published_demo.warehouse), read_only=True)
    try:
        codes = [c for (c,) in con.execute("select faculty_code from main.dim_faculties order by 1").fetchall()]

        def faculty(code: str) -> Faculty:
            def ids(sql: str) -> frozenset[str]:
                return frozenset(str(v) for (v,) in con.execute(sql, [code] * sql.count("?")).fetchall())

            one = con.execute("select min(s.student_id) from main.dim_students s where s.faculty_code = ? and "
                              "s.student_id in (select student_id from main.fct_grades) and s.student_id in "
                              "(select student_id from main.fct_contingent_movements) and s.student_id in "
                              "(select student_id from main.rpt_academic_debtors)", [code]).fetchone()[0]
            return Faculty(code, ids("select program_code from main.dim_programs where faculty_code = ?"),
                           # its groups: of its results, and of its students' status periods (a group of
                           # students who all left before any result of the session shown is still its own)
                           ids("select distinct group_code from main.fct_attestation_breakdown where faculty_code = ? "
                               "union select distinct h.group_code from main.fct_student_status_history h "
                               "join main.dim_programs p on p.program_code = h.program_code "
                               "where p.faculty_code = ? and h.group_code is not null"),
                           ids("select student_id from main.dim_students where faculty_code = ?"), one)

        own, other = faculty(codes[0]), faculty(codes[1])
    finally:
        con.close()
    filters = attestation.default_filters(Scope())
    assert filters is not None and len(codes) >= 2
    span = contingent.bounds(Scope())
    yield Demo(own, other, tuple(codes[1:]), filters, span["first_date"], span["last_month_end"])
    mp.undo()


def since_counts(since: dict[str, int]) -> dict[str, int]:
    """home.since's figures under the names the checks count (COUNTS)."""
    return {"n": since["new_orders"], "n_graded": since["new_results"], "headcount": since["headcount_now"]}


# Each query called as the page calls it: (scope, demo, the student to open) -> its result
Call = Callable[..., Any]
CALLS: dict[str, Call] = {
    "attestation.where": lambda s, d, _: frame(
        "select b.faculty_code, b.program_code, b.group_code, b.n_graded from main.fct_attestation_breakdown b "
        f"where {attestation.where(s, d.filters)[0]}", attestation.where(s, d.filters)[1]),
    "attestation.sessions": lambda s, d, _: attestation.sessions(s, "en"),
    "attestation.faculties": lambda s, d, _: attestation.faculties(s, "en"),
    **{f"attestation.options[{dim}]": lambda s, d, _, dim=dim: attestation.options(s, d.filters, dim, "en")
       for dim in attestation.DIMENSIONS},
    "attestation.headline": lambda s, d, _: attestation.headline(s, d.filters)["now"],
    "attestation.letters": lambda s, d, _: attestation.letters(s, d.filters),
    "attestation.heatmap": lambda s, d, _: attestation.heatmap(s, d.filters, "en"),
    **{f"attestation.ranking[{by}]": lambda s, d, _, by=by: attestation.ranking(s, d.filters, by, "success", "en")
       for by in ("discipline", "teacher", "group", "program")},
    "attestation.trend": lambda s, d, _: attestation.trend(s, d.filters, "en"),
    "attestation.debtors": lambda s, d, _: attestation.debtors(s, d.filters, "en"),
    # a count: as a row, so that the deans' counts are checked to add up to the university's
    "attestation.owing_today": lambda s, d, _: {"n_students": attestation.owing_today(s, d.filters)},
    "attestation.final_by_programme": lambda s, d, _: attestation.final_by_programme(s, d.filters, "en"),
    "attestation.final_letters": lambda s, d, _: attestation.final_letters(s, d.filters),
    "attestation.final_results": lambda s, d, _: attestation.final_results(s, d.filters, "en"),
    "attestation.default_filters": lambda s, d, _: attestation.default_filters(s),
    "contingent.bounds": lambda s, d, _: contingent.bounds(s),
    "contingent.faculties": lambda s, d, _: contingent.faculties(s, "en"),
    "contingent.programs": lambda s, d, _: contingent.programs(s, "en"),
    **{f"contingent.headcount_on[{dim}]": lambda s, d, _, dim=dim: contingent.headcount_on(d.last, dim, s, "en")
       for dim in contingent.DIMENSIONS},
    **{f"contingent.census_series[{dim}]": lambda s, d, _, dim=dim: contingent.census_series(dim, s, "en")
       for dim in contingent.DIMENSIONS},
    "contingent.flows": lambda s, d, _: contingent.flows(d.first, d.last, s, "en"),
    "contingent.transitions": lambda s, d, _: contingent.transitions(d.first, d.last, s, "en"),
    "contingent.retention": lambda s, d, _: contingent.retention(None, s),
    "contingent.funding_shares": lambda s, d, _: contingent.funding_shares(s, "en"),
    "contingent.mismatches": lambda s, d, _: contingent.mismatches(s, "en"),
    "home.holdings": lambda s, d, _: home.holdings(s),
    "home.headcount": lambda s, d, _: {"headcount": home.headcount(s, d.last)},
    "home.since": lambda s, d, _: since_counts(home.since(s, d.first, d.last)),
    "home.owing_today": lambda s, d, _: {"n_students": home.owing_today(s)},
    "home.late_grade_sheets": lambda s, d, _: {"n": home.late_grade_sheets(s, "kk")["n_late"]},
    "home.advisees": lambda s, d, _: home.advisees(s, "en"),
    "student.search": lambda s, d, who: student.search(s, who, "en"),
    "student.card": lambda s, d, who: student.card(s, who, "en"),
    "student.status_periods": lambda s, d, who: student.status_periods(s, who, "en"),
    "student.orders": lambda s, d, who: student.orders(s, who, "en"),
    "student.transcript": lambda s, d, who: student.transcript(s, who, "en"),
    "student.terms": lambda s, d, who: student.terms(s, who, "en"),
    "student.debts": lambda s, d, who: student.debts(s, who, "en"),
    "student.full_view": lambda s, d, who: student.full_view(s, who, "en"),
}


def scoped_queries() -> set[str]:
    found = set()
    for module in MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_") and (
                    "scope" in inspect.signature(fn).parameters):
                found.add(f"{module.__name__.rsplit('.', 1)[1]}.{name}")
    return found - NOT_QUERIES


def test_every_scoped_query_is_called_here() -> None:
    assert scoped_queries() == {name.split("[")[0] for name in CALLS}


def frames(result: Any) -> list[pd.DataFrame]:
    """A result as data frames: a frame, a row (Series), a dict of values or of results, or None."""
    if result is None:
        return []
    if isinstance(result, pd.DataFrame):
        return [result]
    if isinstance(result, pd.Series):
        return [result.to_frame().T]
    if isinstance(result, dict) and any(isinstance(v, pd.DataFrame | pd.Series) for v in result.values()):
        return [f for v in result.values() for f in frames(v)]
    if isinstance(result, dict):
        return [pd.DataFrame([result])]
    if isinstance(result, attestation.Filters):
        return [pd.DataFrame([{"faculty_code": result.faculty, "program_code": result.program,
                               "group_code": result.group}]).dropna(axis=1)]
    raise TypeError(type(result))


def is_empty(result: Any) -> bool:
    """Nothing shown: no row, or only zero/empty counts (a total of no row)."""
    found = [f for f in frames(result) if not f.empty]
    return all(not any(pd.to_numeric(f[c], errors="coerce").fillna(0).ne(0).any() for c in COUNTS & set(f.columns))
               and (COUNTS & set(f.columns)) for f in found)


def foreign(found: pd.DataFrame, own: Faculty) -> list[str]:
    """The values of `found` that belong to another faculty than `own`."""
    bad = []
    for column, allowed in (("faculty_code", {own.code}), ("program_code", own.programs),
                            ("group_code", own.groups), ("student_id", own.students)):
        if column in found.columns:
            bad += [f"{column}={v}" for v in found[column].dropna().astype(str) if v not in allowed]
    return bad


def counts(result: Any) -> dict[str, float]:
    totals: dict[str, float] = {}
    for i, f in enumerate(frames(result)):
        for c in COUNTS & set(f.columns):
            totals[f"{i}.{c}"] = float(pd.to_numeric(f[c], errors="coerce").fillna(0).sum())
    return totals


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_dean_of_one_faculty_receives_nothing_of_another(name: str, demo: Demo) -> None:
    call = CALLS[name]
    dean = Scope.for_role("dean", [demo.own.code])
    mine = call(dean, demo, demo.own.student)
    checked = []
    # 1. no faculty, programme, group or student of another faculty in any row
    for found in frames(mine):
        assert not foreign(found, demo.own), (name, foreign(found, demo.own)[:5])
        checked += [c for c in ("faculty_code", "program_code", "group_code", "student_id") if c in found.columns]
    # 2. counts: the dean's and the other faculties' deans' add up to the university's
    if not name.startswith("student.") and name not in NOT_ADDITIVE and counts(mine):
        rest = counts(call(Scope.for_role("dean", list(demo.others)), demo, ""))
        everything = counts(call(Scope.for_role("registrar"), demo, ""))
        assert {k: v + rest.get(k, 0) for k, v in counts(mine).items()} == everything, name
        checked.append("counts add up")
    # 3. nothing about a student of another faculty, something about one's own
    if name.startswith("student."):
        assert is_empty(call(dean, demo, demo.other.student)) or not any(
            not f.empty for f in frames(call(dean, demo, demo.other.student))), name
        assert any(not f.empty for f in frames(mine)), name
        checked.append("another faculty's student")
    # 4. the dean's page narrowed to another faculty shows nothing
    narrowed = dean.narrowed(demo.other.code)
    shown = call(narrowed, demo, demo.other.student)
    assert not any(not f.empty and (foreign(f, demo.own) or counts(f) and any(counts(f).values()))
                   for f in frames(shown)), name
    checked.append("narrowed to another faculty")
    assert mine is not None and checked, name
