"""How the refresh reads dbt's test statuses (registrar/pipeline/checks.py): a status it does not
know (skipped, a runtime error, one a newer dbt adds) must stop the publish, never pass as sound."""

from __future__ import annotations

import pytest

from registrar.pipeline.checks import dbt_test_outcomes
from registrar.pipeline.dbt import DbtResult
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
