"""How the refresh reads dbt's test statuses (registrar/pipeline/checks.py): a status it does not
know (skipped, a runtime error, one a newer dbt adds) must stop the publish, never pass as sound; a test a
nightly build left out (it reads no changed file) is listed as passed on the published warehouse."""

from __future__ import annotations

import pytest

from registrar.pipeline.checks import NOT_RUN_AGAIN, dbt_test_outcomes
from registrar.pipeline.dbt import DataTestNode, DbtResult
from registrar.pipeline.quality import QualityReport

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
