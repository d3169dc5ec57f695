"""The register of issued documents (registrar/reports/issued.py, rules B28): numbers run from 1 in each
calendar year, every issue is a line of the register, and documents issued at the same moment by
different processes never share a number."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path

import duckdb

from registrar.reports import issued


def test_numbers_run_in_sequence_and_start_again_each_year(tmp_path: Path) -> None:
    first = issued.issue(tmp_path, "transcript", "S1", "kk", dt.date(2025, 12, 30))
    second = issued.issue(tmp_path, "enrolment_certificate", "S2", "ru", dt.date(2025, 12, 31))
    new_year = issued.issue(tmp_path, "transcript", "S1", "en", dt.date(2026, 1, 2))
    again = issued.issue(tmp_path, "transcript", "S3", "en", dt.date(2026, 1, 2))
    assert [(i.seq, i.issued_on.year) for i in (first, second, new_year, again)] == [
        (1, 2025), (2, 2025), (1, 2026), (2, 2026)]
    assert (first.number, new_year.number, again.number) == ("0001/2025", "0001/2026", "0002/2026")  # settings
    lines = issued.entries(tmp_path)
    assert [(e["document"], e["student"], e["number"]) for e in lines] == [
        ("transcript", "S1", "0001/2025"), ("enrolment_certificate", "S2", "0002/2025"),
        ("transcript", "S1", "0001/2026"), ("transcript", "S3", "0002/2026")]
    assert (tmp_path / issued.REGISTER_NAME).stat().st_mode & 0o077 == 0  # private, like the home


def test_a_line_cut_by_a_crash_is_skipped_and_hands_out_no_number(tmp_path: Path) -> None:
    issued.issue(tmp_path, "transcript", "S1", "kk", dt.date(2025, 3, 1))
    with (tmp_path / issued.REGISTER_NAME).open("a", encoding="utf-8") as fh:
        fh.write('{"year": 2025, "seq": 2, "numb')  # the process died mid-write
    fresh = issued.issue(tmp_path, "transcript", "S1", "kk", dt.date(2025, 3, 1))
    assert fresh.seq == 2


def _issue_many(args: tuple[str, int]) -> list[int]:
    folder, n = args
    return [issued.issue(Path(folder), "transcript", f"S{i}", "kk", dt.date(2025, 5, 5)).seq for i in range(n)]


def test_concurrent_issues_get_distinct_numbers(tmp_path: Path) -> None:
    """Four processes issue 25 documents each at once: 100 numbers, 1 to 100, none twice."""
    with multiprocessing.get_context("fork").Pool(4) as pool:
        got = [seq for part in pool.map(_issue_many, [(str(tmp_path), 25)] * 4) for seq in part]
    assert sorted(got) == list(range(1, 101))
    lines = [json.loads(line) for line in (tmp_path / issued.REGISTER_NAME).read_text().splitlines()]
    assert sorted(e["seq"] for e in lines) == list(range(1, 101))


def test_the_register_lives_beside_the_warehouse_read(tmp_path: Path) -> None:
    database = tmp_path / "home" / "warehouse.duckdb"
    database.parent.mkdir()
    duckdb.connect(str(database)).close()
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert issued.register_dir(con) == database.parent.resolve()
    finally:
        con.close()
