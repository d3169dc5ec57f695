"""`Scope.narrowed` (registrar/access/scope.py): a faculty chosen on a page narrows what a user sees
and never widens it, whatever the role and the faculty (rules B30)."""

from __future__ import annotations

import pytest

from registrar.access.roles import ROLE_TABLE
from registrar.access.scope import Scope

FACULTIES = ("AGR", "VET", "ECO")


def scopes() -> list[Scope]:
    return [Scope.for_role(role, faculties, advisor_id="T0001") for role in ROLE_TABLE
            for faculties in ((), ("AGR",), ("AGR", "VET"))] + [Scope(), Scope.nothing()]


def test_a_dean_choosing_another_faculty_sees_no_faculty() -> None:
    dean = Scope.for_role("dean", ["AGR"])
    assert dean.narrowed("VET").faculties == ()
    assert dean.narrowed("VET").faculty_filter() == ("false", [])
    assert dean.narrowed("AGR").faculties == ("AGR",)
    assert Scope.for_role("dean", ["AGR", "VET"]).narrowed("VET").faculties == ("VET",)
    assert Scope.for_role("registrar").narrowed("VET").faculties == ("VET",)
    assert dean.narrowed(None) is dean


@pytest.mark.parametrize("scope", scopes(), ids=lambda s: f"{s.role}:{s.faculties}")
@pytest.mark.parametrize("faculty", [*FACULTIES, None])
def test_narrowed_never_widens(scope: Scope, faculty: str | None) -> None:
    narrowed = scope.narrowed(faculty)
    if scope.faculties is not None:
        assert narrowed.faculties is not None and set(narrowed.faculties) <= set(scope.faculties)
    if faculty is not None:
        assert narrowed.faculties is not None and set(narrowed.faculties) <= {faculty}
    # the rest of the scope is kept: the same students, personal data, single rows and small cells
    assert (narrowed.advisor_id, narrowed.personal_data, narrowed.individuals, narrowed.min_cell, narrowed.role) == (
        scope.advisor_id, scope.personal_data, scope.individuals, scope.min_cell, scope.role)
