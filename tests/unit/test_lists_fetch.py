"""The lists' `section` fetches its rows as Arrow (for speed): the frame must be the one it makes through
DuckDB's DataFrame and `tidy` (the same values of the same types), or the exporter would print something else."""

from __future__ import annotations

import duckdb
import pandas as pd

from registrar.reports._lists import _dataframe_section, section

SQL = """
    select * from (values
        (1, 2, 'Әбенова Аяулым', 1.15::decimal(12, 2), 1.3300::decimal(6, 4), 0, 'x'),
        (2, null, 'Иванов Пётр', -0.05::decimal(12, 2), 2.0000::decimal(6, 4), 3, null),
        (3, 4, null, null, 1.6700::decimal(6, 4), 12, '')
    ) as t(course, next_course, full_name, gpa, threshold, debts, note)
    where course <= $last
"""
HEADERS = {"next_course": "lists_next_course", "course": "lists_course", "full_name": "lists_full_name",
           "gpa": "lists_transfer_gpa", "threshold": "lists_threshold", "debts": "lists_n_debts",
           "note": "lists_outcome"}


def test_the_arrow_fetch_makes_the_frame_the_dataframe_makes() -> None:
    con = duckdb.connect()
    con.execute(f"create table rows as {SQL.replace('$last', '3')}")
    query = "select * from rows where course <= $last order by course"
    for last in (3, 1, 0):  # nulls, none, no row
        expected = _dataframe_section(con.execute(query, {"last": last}), "H", HEADERS, "kk")
        got = section(con, "H", query, {"last": last}, HEADERS, "kk")
        assert got.heading == expected.heading
        pd.testing.assert_frame_equal(got.frame, expected.frame, check_exact=True)
        for column in expected.frame.columns:
            assert list(map(type, got.frame[column])) == list(map(type, expected.frame[column])), column


def test_a_column_it_does_not_convert_goes_the_way_section_takes() -> None:
    con = duckdb.connect()
    query = "select date '2025-09-01' as day, 'a' as name"
    headers = {"day": "lists_course", "name": "lists_full_name"}
    expected = _dataframe_section(con.execute(query, {}), "H", headers, "en")
    pd.testing.assert_frame_equal(section(con, "H", query, {}, headers, "en").frame, expected.frame)
