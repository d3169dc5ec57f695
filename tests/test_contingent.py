"""The contingent marts on a real warehouse: the one-query headcount over the status history
equals fct_contingent_monthly on every month end, the movements add up to it, and a student
record the orders do not reach stops the refresh (rules B10, B12)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
from pathlib import Path

import duckdb
import pytest

from registrar.paths import Home
from registrar.pipeline import RefreshFailed, refresh
from tests.conftest import MINI, edit_csv, quiet

pytestmark = pytest.mark.xdist_group("contingent")

STUDENTS, YEARS = 500, 3


def write_orders_university(out: Path, students: int, years: int, seed: int = 7) -> None:
    """The mini university plus `students` synthetic students whose orders walk through every
    movement (leave and return, mobility, expulsion and readmission, repeat year, paid→grant,
    graduation); each student's record holds the state those orders reach, computed here
    independently of the SQL replay. Used when the demo generator is not available."""
    rnd = random.Random(seed)
    shutil.copytree(MINI, out)
    start = 2024 - years + 1
    with (out / "calendar.csv").open("a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for y in range(start, 2024):
            w.writerows([[f"{y}-{y + 1}", "1", f"{y}-09-01", f"{y}-12-31", "", ""],
                         [f"{y}-{y + 1}", "2", f"{y + 1}-01-26", f"{y + 1}-06-15", "", ""]])
    programs = [("6B08101", 4), ("6B09101", 5)]
    with (out / "students.csv").open(encoding="utf-8", newline="") as fh:
        student_rows = list(csv.DictReader(fh))
    with (out / "orders.csv").open(encoding="utf-8", newline="") as fh:
        order_rows = list(csv.DictReader(fh))
    numbers = iter(range(900, 10**6, 7))  # crosses 999 → 1000: order numbers must compare naturally

    def order(sid: str, movement: str, effective: dt.date, **given: object) -> None:
        signed = effective - dt.timedelta(days=rnd.randint(0, 9))
        order_rows.append({"order_no": f"{next(numbers)}-С", "order_date": signed.isoformat(), "student_id": sid,
                           "movement": movement, "effective_date": effective.isoformat(),
                           **{k: str(v) for k, v in given.items()}})

    for i in range(students):
        sid, intake = f"D{i:05d}", rnd.randint(start, 2024)
        program, duration = rnd.choice(programs)
        state = {"status": "active", "funding": rnd.choice(["paid", "state_grant"]), "course": 1}
        order(sid, "admission", dt.date(intake, 9, 1), program_code=program, funding=state["funding"], course=1,
              study_form="full_time", study_language=rnd.choice(["kk", "ru"]), group_code=f"{program}-{intake}")
        for y in range(intake, 2025):
            if state["status"] == "expelled":
                if y < 2024 and rnd.random() < 0.4:
                    state.update(status="active", funding="paid")
                    order(sid, "readmission", dt.date(y + 1, 9, 1), program_code=program, funding="paid",
                          course=state["course"])
                continue
            if state["status"] != "active":
                continue
            r = rnd.random()
            if r < 0.08:
                order(sid, "academic_leave", dt.date(y + 1, 2, 1), reason="illness")
                state["status"] = "academic_leave"
                if y < 2024:
                    order(sid, "return_from_leave", dt.date(y + 1, 9, 1))
                    state["status"] = "active"
                continue
            if r < 0.14:
                order(sid, "mobility_out", dt.date(y + 1, 1, 26), reason="academic_mobility")
                state["status"] = "mobility_out"
                if y < 2024:
                    order(sid, "mobility_return", dt.date(y + 1, 6, 16))
                    state["status"] = "active"
                continue
            if r < 0.22:
                order(sid, "expulsion", dt.date(y + 1, 3, 10), reason=rnd.choice(["own_will", "non_payment"]))
                state["status"] = "expelled"
                continue
            if state["funding"] == "paid" and rnd.random() < 0.1:
                order(sid, "funding_change", dt.date(y + 1, 2, 1), funding="state_grant")
                state["funding"] = "state_grant"
            if y == 2024:
                continue
            if state["course"] >= duration:
                order(sid, "graduation", dt.date(y + 1, 6, 30))
                state["status"] = "graduated"
            elif rnd.random() < 0.1:
                order(sid, "repeat_year", dt.date(y + 1, 7, 1))
            else:
                order(sid, "promotion", dt.date(y + 1, 7, 1))
                state["course"] += 1
        born = dt.date(intake - rnd.choice([17, 18, 18, 19, 23]), rnd.randint(1, 12), rnd.randint(1, 28))
        student_rows.append({
            "student_id": sid, "iin": "", "last_name": f"Студент{i}", "first_name": "Демо", "middle_name": "",
            "gender": rnd.choice("MF"), "birth_date": born.isoformat(),
            "citizenship": rnd.choice(["KAZ"] * 9 + ["UZB"]), "program_code": program, "study_form": "full_time",
            "study_language": "kk", "funding": state["funding"], "group_code": "", "advisor_id": "",
            "social_benefit": "false", "status": state["status"],
        })
    for name, rows in (("students", student_rows), ("orders", order_rows)):
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), restval="")
            writer.writeheader()
            writer.writerows(rows)


def write_extracts(out: Path) -> None:
    """The demo university when its generator exists, else the synthetic orders university."""
    try:
        from extract.demo import write_demo  # type: ignore[import-not-found]
    except ImportError:
        write_orders_university(out, STUDENTS, YEARS)
    else:
        write_demo(out, students=STUDENTS, years=YEARS, seed=11)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    root = tmp_path_factory.mktemp("contingent")
    write_extracts(root / "extracts")
    home = Home(root / "home")
    refresh(root / "extracts", home, quiet)
    con = duckdb.connect(str(home.warehouse), read_only=True)
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


def test_every_admitted_student_has_one_current_period_and_no_mismatch(warehouse) -> None:
    n_students, n_current = warehouse.execute("""
        select count(distinct student_id), count(*) filter (where is_current)
        from main.fct_student_status_history""").fetchone()
    assert n_students == n_current and n_students >= STUDENTS
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


def test_a_record_the_orders_do_not_reach_stops_the_refresh(tmp_path: Path) -> None:
    extracts = tmp_path / "extracts"
    shutil.copytree(MINI, extracts)
    # S0002 is on academic leave by order 215-С; the AIS record says active
    edit_csv(extracts / "students.csv",
             lambda rows: [r[:-1] + ["active"] if r[0] == "S0002" else r for r in rows])
    with pytest.raises(RefreshFailed) as failed:
        refresh(extracts, Home(tmp_path / "home"), quiet)
    assert "assert_contingent_mismatches_within_tolerance" in failed.value.report
