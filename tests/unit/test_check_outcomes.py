"""How the refresh reads dbt's test statuses (registrar/pipeline/checks.py): a status it does not
know (skipped, a runtime error, one a newer dbt adds) must stop the publish, never pass as sound; a test a
nightly build left out (it reads no changed file) is listed as passed on the published warehouse."""

from __future__ import annotations

import duckdb
import pytest

from registrar.pipeline.checks import NOT_RUN_AGAIN, dbt_test_outcomes
from registrar.pipeline.dbt import DataTestNode, DbtResult
from registrar.pipeline.quality import CheckOutcome, QualityReport

UID = "test.registrar.assert_something_sound"


def outcome(status: str):
    result = DbtResult(ok=True, results=[{"unique_id": UID, "status": status, "message": None, "failures": 0}])
    (found,) = dbt_test_outcomes(result)
    return found


@pytest.mark.parametrize(("status", "expected", "severity"),
                         [("pass", "pass", "error"), ("warn", "warn", "warn"), ("fail", "fail", "error"),
                          ("error", "fail", "error")])
def test_known_dbt_statuses_keep_their_meaning(status: str, expected: str, severity: str) -> None:
    found = outcome(status)
    assert (found.status, found.severity) == (expected, severity)


@pytest.mark.parametrize("status", ["skipped", "runtime error", "no-op", "None", ""])
def test_an_unknown_dbt_status_fails_and_blocks_the_publish(status: str) -> None:
    found = outcome(status)
    assert (found.status, found.severity) == ("fail", "error")
    assert f"'{status}'" in found.message
    assert QualityReport(checks=[found]).blocking == [found]


def _selective(ok: bool, selective: bool = True) -> list:
    """A build that ran UID and not OTHER, which the project also has."""
    node = DataTestNode(tier="integrity", failures_table="test_failures.other", guidance="")
    result = DbtResult(ok=ok, results=[{"unique_id": UID, "status": "pass", "message": None, "failures": 0}],
                       tests={UID: node, OTHER: node}, selective=selective)
    return dbt_test_outcomes(result)


OTHER = "test.registrar.not_null_dim_disciplines_discipline_code"


def test_a_test_a_nightly_build_did_not_select_is_listed_as_passed_on_the_published_warehouse() -> None:
    """incremental.Plan.selection leaves out the tests that read no changed file: the report still lists them,
    passed, saying they were not run again; a build of everything, or one that failed, lists only what ran."""
    found = {c.name: c for c in _selective(ok=True)}
    assert (found["not_null_dim_disciplines_discipline_code"].status, found["assert_something_sound"].status) == \
        ("pass", "pass")
    assert found["not_null_dim_disciplines_discipline_code"].message == NOT_RUN_AGAIN
    assert found["not_null_dim_disciplines_discipline_code"].tier == "integrity"
    assert [c.name for c in _selective(ok=True, selective=False)] == ["assert_something_sound"]
    assert [c.name for c in _selective(ok=False)] == ["assert_something_sound"]



def test_the_quality_table_holds_each_check_as_reported() -> None:
    """meta.quality_checks, written in one statement, holds every field of every check as the report does
    (the Data quality page reads it): lists, json, numbers, absent values, text in Kazakh."""
    failing = CheckOutcome(
        name="unique_grades", source="dbt_test", severity="error", status="fail", message="2 rows",
        failing_rows=2, failing_keys=["S1 | ТҚ-101", "S2 | 'x'"], tier="integrity",
        failures_table="test_failures.unique_grades", failing_sample=[{"student_id": "S1", "n": 2}],
        guidance="Тексеріңіз", seed="seeds/reasons.csv", unknown_codes=[{"code": "Z9", "rows": 3, "context": ""}])
    passed = CheckOutcome(name="gpa_means", source="great_expectations", severity="warn", status="pass")
    con = duckdb.connect()
    QualityReport(checks=[failing, passed]).write_table(con)
    stored = con.execute("select name, source, tier, severity, status, message, failing_rows, failing_keys, "
                         "failures_table, failing_sample::varchar, guidance, seed, unknown_codes::varchar "
                         "from meta.quality_checks").fetchall()
    assert stored == [
        ("unique_grades", "dbt_test", "integrity", "error", "fail", "2 rows", 2, ["S1 | ТҚ-101", "S2 | 'x'"],
         "test_failures.unique_grades", '[{"student_id": "S1", "n": 2}]', "Тексеріңіз", "seeds/reasons.csv",
         '[{"code": "Z9", "rows": 3, "context": ""}]'),
        ("gpa_means", "great_expectations", "", "warn", "pass", "", 0, [], "", "[]", "", "", "[]"),
    ]
    QualityReport(checks=[]).write_table(con)
    assert con.execute("select count(*) from meta.quality_checks").fetchone() == (0,)
