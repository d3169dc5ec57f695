"""A report parameter after the data's last date is refused (issue 23 point 2): the data end on the
extract date the refresh recorded (meta.refresh.extract_date), and a later --as-of, --to, or a
quarter that ends after it, would only repeat the last known state. Checked on a tiny in-memory
warehouse holding just what params.parse reads, so no dbt build is needed."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from registrar.reports import params
from registrar.reports.base import Report, ReportError

EXTRACT = dt.date(2026, 8, 14)
ON_DATE = Report("on_date", "t", "d", ("as_of",), (), ("csv",), lambda con, p: None)
QUARTERLY = Report("quarterly", "t", "d", ("quarter",), (), ("csv",), lambda con, p: None)
PERIODIC = Report("periodic", "t", "d", ("period",), (), ("csv",), lambda con, p: None)


def warehouse(extract_date: dt.date | None = EXTRACT) -> duckdb.DuckDBPyConnection:
    """Orders from 2017-09-01 to 2026-08-15 (one signed on the extract date, effective the day after),
    terms to 2026-07-26, and meta.refresh with `extract_date` (no such column when None: a warehouse
    published before it was recorded)."""
    con = duckdb.connect()
    con.execute("create table main.fct_contingent_movements as "
                "select * from (values (date '2017-09-01'), (date '2026-08-15')) v(effective_date)")
    con.execute("create table main.dim_terms as select date '2026-07-26' as ends_on")
    con.execute("create schema meta")
    if extract_date is None:
        con.execute("create table meta.refresh as select now() as refreshed_at")
    else:
        con.execute("create table meta.refresh as select now() as refreshed_at, ?::date as extract_date",
                    [extract_date])
    return con


def test_the_data_end_on_the_recorded_extract_date() -> None:
    assert params.data_span(warehouse()) == (dt.date(2017, 9, 1), EXTRACT)
    assert params.extract_date(warehouse()) == EXTRACT
    # a warehouse published before the extract date was recorded: the last order or term end, as before
    assert params.extract_date(warehouse(None)) is None
    assert params.data_span(warehouse(None)) == (dt.date(2017, 9, 1), dt.date(2026, 8, 15))


@pytest.mark.parametrize(("last", "quarter"), [
    (dt.date(2026, 8, 14), "2026Q2"), (dt.date(2026, 6, 30), "2026Q2"), (dt.date(2026, 6, 29), "2026Q1"),
    (dt.date(2026, 2, 1), "2025Q4"), (dt.date(2026, 12, 31), "2026Q4"),
])
def test_last_complete_quarter(last: dt.date, quarter: str) -> None:
    assert params.last_complete_quarter(last) == quarter


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_a_date_after_the_data_is_refused_naming_the_last_date(lang: str) -> None:
    con = warehouse()
    last = EXTRACT.isoformat()
    with pytest.raises(ReportError, match=f"--as-of.*2026-12-06.*{last}"):
        params.parse(ON_DATE, con, as_of="2026-12-06", lang=lang)
    with pytest.raises(ReportError, match=f"--as-of.*2026-08-15.*{last}"):  # the day after, with an order on it
        params.parse(ON_DATE, con, as_of=dt.date(2026, 8, 15), lang=lang)
    with pytest.raises(ReportError, match=f"--to.*2026-08-31.*{last}"):
        params.parse(PERIODIC, con, date_from="2025-09-01", date_to="2026-08-31", lang=lang)
    with pytest.raises(ReportError, match=f"--from.*2026-09-01.*{last}"):
        params.parse(PERIODIC, con, date_from="2026-09-01", date_to="2026-09-30", lang=lang)
    with pytest.raises(ReportError, match=f"2026Q3.*{last}.*2026Q2"):  # names the last complete quarter too
        params.parse(QUARTERLY, con, quarter="2026Q3", lang=lang)
    with pytest.raises(ReportError, match=f"2026Q4.*{last}"):
        params.parse(QUARTERLY, con, quarter="2026Q4", lang=lang)


def test_the_data_s_last_date_itself_and_the_last_complete_quarter_are_accepted() -> None:
    con = warehouse()
    assert params.parse(ON_DATE, con, as_of=EXTRACT.isoformat()).as_of == EXTRACT
    done = params.parse(PERIODIC, con, date_from="2025-09-01", date_to=EXTRACT)
    assert (done.date_from, done.date_to) == (dt.date(2025, 9, 1), EXTRACT)
    assert params.parse(QUARTERLY, con, quarter="2026Q2").quarter == "2026Q2"
    # without a recorded extract date, the older bound holds: the later of the last order and term end
    assert params.parse(ON_DATE, warehouse(None), as_of="2026-08-15").as_of == dt.date(2026, 8, 15)
    with pytest.raises(ReportError, match="2026-08-15"):
        params.parse(ON_DATE, warehouse(None), as_of="2026-08-16")
