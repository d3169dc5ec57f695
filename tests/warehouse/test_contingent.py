"""The contingent marts on a real warehouse: the one-query headcount over the status history
equals fct_contingent_monthly on every month end, the movements add up to it, and a student
record the orders do not reach stops the refresh (rules B10, B12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from registrar.common.paths import PROJECT_DIR, Home
from tests.support.homes import DASHBOARD_DEMO, orders_miss_a_status_once

pytestmark = pytest.mark.xdist_group("contingent")

STUDENTS, YEARS = DASHBOARD_DEMO["students"], DASHBOARD_DEMO["years"]


@pytest.fixture(scope="module")
def warehouse(published_demo: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    """The session's shared demo university (tests/conftest.py, published_demo), read-only: what these
    tests check holds for any demo, and that refresh is built once per session for the dashboards' tests
    anyway, where a demo of this module's own was one more whole refresh."""
    con = duckdb.connect(str(published_demo.warehouse), read_only=True)
    yield con
    con.close()


def _by_date(con: duckdb.DuckDBPyConnection, sql: str) -> dict[dt.date, tuple]:
    return {row[0]: tuple(row[1:]) for row in con.execute(sql).fetchall()}


def test_headcount_query_over_status_history_equals_monthly_on_every_month_end(warehouse) -> None:
    month_ends = [d for (d,) in warehouse.execute(
        "select snapshot_date from intermediate.int_snapshot_dates_listed where is_month_end order by 1"
    ).fetchall()]
    assert len(month_ends) >= 12 * (YEARS - 1)
    monthly = _by_date(warehouse, """
        select snapshot_date, sum(headcount), sum(n_academic_leave), sum(n_mobility_out)
        from main.fct_contingent_monthly where is_month_end group by 1""")
    for d in month_ends:
        # the one simple query of the issue, on the status history
        from_history = warehouse.execute("""
            select count(*) filter (where counts_in_headcount),
                   count(*) filter (where status = 'academic_leave'),
                   count(*) filter (where status = 'mobility_out')
            from main.fct_student_status_history
            where valid_from <= ? and (valid_to > ? or valid_to is null)""", [d, d]).fetchone()
        assert monthly.get(d, (0, 0, 0)) == from_history, d
    assert max(h for h, _, _ in monthly.values()) > STUDENTS / 4
    assert sum(leave for _, leave, _ in monthly.values()) > 0
    assert sum(mobility for _, _, mobility in monthly.values()) > 0


def test_census_date_of_every_year_is_counted(warehouse) -> None:
    census = _by_date(warehouse, """
        select snapshot_date, sum(headcount) from main.fct_contingent_monthly
        where is_census_date group by 1 order by 1""")
    assert census and all(d.month == 10 and d.day == 1 for d in census)
    assert len(census) >= YEARS - 1
    assert all(h > 0 for (h,) in census.values())


def test_movements_add_up_to_the_headcount(warehouse) -> None:
    """Σ headcount_change of the lines effective on or before a date = headcount on that date."""
    rows = warehouse.execute("""
        with flows as (
            select s.snapshot_date, coalesce(sum(m.headcount_change), 0) as net
            from intermediate.int_snapshot_dates_listed s
            left join main.fct_contingent_movements m on m.effective_date <= s.snapshot_date
            group by 1
        ),
        counted as (
            select snapshot_date, sum(headcount) as headcount from main.fct_contingent_monthly group by 1
        )
        select flows.snapshot_date, flows.net, coalesce(counted.headcount, 0)
        from flows left join counted using (snapshot_date)""").fetchall()
    assert rows
    assert [(d, n) for d, n, _ in rows] == [(d, h) for d, _, h in rows]


def test_every_student_has_a_history_and_no_mismatch(warehouse) -> None:
    # one current period per student is the integrity test assert_contingent_one_current_period_...
    (n_students,) = warehouse.execute(
        "select count(distinct student_id) from main.fct_student_status_history").fetchone()
    assert n_students >= STUDENTS
    assert warehouse.execute("select count(*) from main.rpt_contingent_mismatches").fetchone() == (0,)
    rows = warehouse.execute("select distinct status from main.fct_student_status_history").fetchall()
    statuses = {s for (s,) in rows}
    assert {"active", "academic_leave", "mobility_out", "expelled"} <= statuses


def test_cohort_outcomes_cover_each_cohort(warehouse) -> None:
    bad = warehouse.execute("""
        select intake_year, program_code, years_after
        from main.fct_cohort_retention
        group by all having sum(n_students) != max(cohort_size) or abs(sum(share_of_cohort) - 1) > 0.001
    """).fetchall()
    assert bad == []
    assert warehouse.execute("select count(*) from main.fct_cohort_retention where years_after >= 1").fetchone()[0]


# The mini university (tests/fixtures/mini/orders.csv), replayed by hand:
#   S0001 AGR  admitted 2024-09-01 (101-С, state grant), active throughout
#   S0002 AGR  admitted 2024-09-01 (101-С, paid), academic leave from 2025-02-15 (215-С)
#   S0003 VET  admitted 2024-09-01 (102-С, paid), expelled 2025-03-01 (230-С)
#   S0004 VET  admitted 2024-09-01 (102-С, paid); on the census day 2024-10-01 two orders take effect:
#              180-С funding to a state grant, then 181-С academic leave: the day ends on leave, on a grant
MINI_CENSUS = dt.date(2024, 10, 1)


def _mini(published_mini: Home, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(published_mini.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_mini_census_year_counts_the_orders_of_the_census_day(published_mini: Home) -> None:
    """Rules B12, B20: the census year runs up to the census date inclusive, so 180-С and 181-С of
    1 October 2024 are movements of the 2024 census (3-НК part 2), beside the four admissions."""
    movements = dict(((f, m, r, fu), n) for f, m, r, fu, n in _mini(published_mini, """
        select faculty_code, movement, reason, funding, sum(n)::integer from main.rpt_census_population
        where measure = 'movement' and census_date = ? group by all""", [MINI_CENSUS]))
    assert movements == {
        ("AGR", "admission", None, "state_grant"): 1,  # S0001
        ("AGR", "admission", None, "paid"): 1,  # S0002
        ("VET", "admission", None, "paid"): 2,  # S0003, S0004
        ("VET", "funding_change", None, "state_grant"): 1,  # S0004, 180-С on the census day
        ("VET", "academic_leave", "illness", "state_grant"): 1,  # S0004, 181-С on the census day
    }
    # form 3-НК, total rows of the arrivals (column 1 admitted, 2 of them on a grant) and the departures
    # (column 8 went on leave)
    form = dict(((f, p, c), n) for f, p, c, n in _mini(published_mini, """
        select faculty_code, part, column_code, n from main.rpt_stat_form_3nk
        where part in ('arrivals', 'departures') and row_code = '01' and census_date = ? and n > 0""",
                                                         [MINI_CENSUS]))
    assert form == {("AGR", "arrivals", "1"): 2, ("AGR", "arrivals", "2"): 1, ("VET", "arrivals", "1"): 2,
                    ("VET", "departures", "8"): 1}


def test_mini_two_orders_of_one_day_leave_the_state_after_the_last(published_mini: Home) -> None:
    """Rules B10: 180-С and 181-С take effect on one day; the day's state is the one after the last
    (on leave, on a grant), and the headcount of every date follows from the replay above."""
    assert _mini(published_mini, """
        select valid_from, valid_to, status, funding, order_no from main.fct_student_status_history
        where student_id = 'S0004' order by valid_from""") == [
        (dt.date(2024, 9, 1), MINI_CENSUS, "active", "paid", "102-С"),
        (MINI_CENSUS, None, "academic_leave", "state_grant", "181-С"),
    ]
    counted = {(d, f): (h, leave) for d, f, h, leave in _mini(published_mini, """
        select snapshot_date, faculty_code, sum(headcount)::integer, sum(n_academic_leave)::integer
        from main.fct_contingent_monthly group by all""")}
    by_hand = {  # (headcount, on academic leave) of each faculty
        (dt.date(2024, 9, 30), "AGR"): (2, 0), (dt.date(2024, 9, 30), "VET"): (2, 0),
        (MINI_CENSUS, "AGR"): (2, 0), (MINI_CENSUS, "VET"): (1, 1),  # S0004 on leave from the census day
        (dt.date(2024, 10, 31), "AGR"): (2, 0), (dt.date(2024, 10, 31), "VET"): (1, 1),
        (dt.date(2025, 2, 28), "AGR"): (1, 1), (dt.date(2025, 2, 28), "VET"): (1, 1),  # S0002 on leave
        (dt.date(2025, 3, 31), "AGR"): (1, 1), (dt.date(2025, 3, 31), "VET"): (0, 1),  # S0003 expelled
        (dt.date(2025, 7, 31), "AGR"): (1, 1), (dt.date(2025, 7, 31), "VET"): (0, 1),
    }
    assert {key: counted.get(key) for key in by_hand} == by_hand
    census = _mini(published_mini, """
        select snapshot_date, sum(headcount)::integer, sum(n_academic_leave)::integer
        from main.fct_contingent_monthly where is_census_date group by all""")
    assert census == [(MINI_CENSUS, 3, 1)]  # S0001, S0002, S0003 counted; S0004 on leave


def test_a_record_the_orders_do_not_reach_stops_the_refresh(tmp_path_factory: pytest.TempPathFactory) -> None:
    # S0002 is on academic leave by order 215-С; the AIS record says active. The refresh (real, once per
    # session: test_quality_tiers checks what the registrar's page shows of the same one) raised RefreshFailed.
    stopped = orders_miss_a_status_once(tmp_path_factory)
    assert stopped.step == "dbt build"
    assert "assert_contingent_mismatches_within_tolerance" in stopped.report


def test_the_demo_refresh_ran_every_tier_of_dbt_tests_and_every_expectation_suite(warehouse) -> None:
    ran = dict(warehouse.execute("""
        select coalesce(nullif(tier, ''), source), count(*) from meta.quality_checks group by all
    """).fetchall())
    assert {"configuration", "integrity", "values", "great_expectations", "contract"} <= set(ran)
    suites = {name.split(":")[0] for (name,) in warehouse.execute(
        "select name from meta.quality_checks where source = 'great_expectations'").fetchall()}
    expected = {p.stem for p in (PROJECT_DIR / "expectations" / "suites").glob("*.json")}
    assert suites == expected and len(expected) >= 5
    assert warehouse.execute("select count(*) from meta.quality_checks where status = 'fail'").fetchone() == (0,)
