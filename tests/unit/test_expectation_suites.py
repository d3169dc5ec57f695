"""Each Great Expectations suite of expectations/suites fires on a feed made to break it (rules C5):
a hand-made warehouse file holds every suite's qc_* feed with one row that keeps each band and rows
that leave it, and the runner of the refresh (registrar/pipeline/expectations.py) validates it. A
suite whose expectation could never fail, or a new suite without a spoiled feed here, fails."""

from __future__ import annotations

import duckdb
import pytest

from registrar.pipeline.expectations import load_suites, run_suites
from registrar.pipeline.quality import CheckOutcome

# Per suite: the feed table (as models/quality/qc_*.sql builds it), its rows, and the key of each row
# that must fail some expectation of the suite (the rest keep every band of the default vars).
FEEDS: dict[str, tuple[str, list[str]]] = {
    "attestation_sessions": (
        """create table quality.qc_attestation_sessions as select * from (values
             ('2023-2024', '1', 100::hugeint, 0.80, 1.00, 0.00),
             -- a third of the earlier count, a success rate above 1 and 25 points above the earlier ones
             ('2024-2025', '1', 30::hugeint, 1.20, 0.30, 0.25))
           t(academic_year, term, n_graded, success_rate, graded_vs_earlier, success_rate_shift)""",
        ["2024-2025 | 1"]),
    "faculty_headcount_jumps": (
        """create table quality.qc_faculty_headcount_jumps as select * from (values
             ('AGR', date '2024-10-31', 100::hugeint, 100::hugeint, 0.0),
             ('SOC', date '2024-10-31', 90::hugeint, 100::hugeint, -0.1),  -- a drop within the band
             ('VET', date '2024-10-31', 40::hugeint, 100::hugeint, -0.6),  -- a drop of 60 %
             ('ECO', date '2024-10-31', 150::hugeint, 100::hugeint, 0.5))  -- a rise of 50 %
           t(faculty_code, snapshot_date, headcount, previous_headcount, jump_share)""",
        ["VET | 2024-10-31 00:00:00", "ECO | 2024-10-31 00:00:00"]),
    "gpa_means": (
        """create table quality.qc_gpa_means as select * from (values
             ('2023-2024', '1', 3.0, 0.0),
             ('2024-2025', '1', 4.5, 0.6))  -- off the 0-4 scale, 0.6 above the earlier periods
           t(academic_year, term, mean_term_gpa, gpa_shift)""",
        ["2024-2025 | 1"]),
    "group_enrolments": (
        """create table quality.qc_group_enrolments as select * from (values
             ('2024-2025', '1', 'HIS1101', 'АГР-24-1', 10::bigint, 10::bigint),
             ('2024-2025', '1', 'BOT1102', 'АГР-24-1', 5::bigint, 0::bigint),  -- results, no registration
             ('2024-2025', '1', 'PE1103', null, 3::bigint, 3::bigint))  -- results of no group
           t(academic_year, term, discipline_code, group_code, n_results, n_enrolled)""",
        ["2024-2025 | 1 | BOT1102 | АГР-24-1", "2024-2025 | 1 | PE1103 | nan"]),
    "teacher_fail_shares": (
        """create table quality.qc_teacher_fail_shares as select * from (values
             ('2024-2025', '1', 'T0001', 30::hugeint, 0.10),
             ('2024-2025', '1', 'T0002', 30::hugeint, 0.50))  -- half of the sheet FX and F
           t(academic_year, term, teacher_id, n_graded, fail_share)""",
        ["2024-2025 | 1 | T0002"]),
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[CheckOutcome]:
    database = tmp_path_factory.mktemp("gx") / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema quality")
        for sql, _ in FEEDS.values():
            con.execute(sql)
    finally:
        con.close()
    return run_suites(database, lambda _msg: None)


def test_every_suite_has_a_spoiled_feed_here() -> None:
    assert sorted(FEEDS) == sorted(s.name for s in load_suites()) and len(FEEDS) >= 5


@pytest.mark.parametrize("suite", [s for s in load_suites()], ids=lambda s: s.name)
def test_every_expectation_of_the_suite_fires_on_its_spoiled_feed(suite, outcomes: list[CheckOutcome]) -> None:
    mine = [o for o in outcomes if o.name.startswith(f"{suite.name}: ")]
    assert len(mine) == len(suite.spec["expectations"]) >= 1
    fired = "fail" if suite.severity == "error" else "warn"
    for found in mine:
        assert found.status == fired, (found.name, found.status, found.message)
    keys = {k for found in mine for k in found.failing_keys}
    assert keys == set(FEEDS[suite.name][1]), keys  # the spoiled rows, not the sound one
