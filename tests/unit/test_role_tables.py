"""The role tables of the documentation are the ones registrar/access/roles.py gives, and a change to
either side without the other is caught."""

from __future__ import annotations

from dataclasses import replace

import pytest

from registrar.access import roles, roles_doc


def marked_files() -> list[str]:
    return [str(p) for p in roles_doc.FILES if p.exists() and "<!-- roles:pages:begin -->" in p.read_text("utf-8")]


def test_the_documented_role_tables_are_the_code_s() -> None:
    assert marked_files(), "docs/access.md lost its role-table markers"
    assert roles_doc.main(["--check"]) == 0, "run: python -m registrar.access.roles_doc"


def test_a_role_given_another_page_changes_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    before = roles_doc.pages_table()
    viewer = roles.ROLE_TABLE["viewer"]
    monkeypatch.setitem(roles.ROLE_TABLE, "viewer", replace(viewer, pages=(*viewer.pages, "student")))
    assert roles_doc.pages_table() != before
    assert roles_doc.main(["--check"]) == 1


def test_a_hand_edited_table_is_caught(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    doc = Path(str(tmp_path)) / "access.md"
    doc.write_text("x\n<!-- roles:rules:begin -->\n| what | edited by hand |\n<!-- roles:rules:end -->\n", "utf-8")
    monkeypatch.setattr(roles_doc, "FILES", (doc,))
    assert roles_doc.main(["--check"]) == 1
    assert roles_doc.main([]) == 0 and roles_doc.main(["--check"]) == 0
    assert roles_doc.rules_table() in doc.read_text("utf-8")


def test_the_scope_of_each_role_follows_its_row() -> None:
    from registrar.access.scope import Scope

    for name, role in roles.ROLE_TABLE.items():
        scope = Scope.for_role(name, ("ENG",), "T1")
        assert scope.personal_data == role.personal_data and scope.individuals == role.individuals
        assert (scope.min_cell > 0) == role.suppress_small_cells
        assert (scope.faculties is None) == (role.faculties == "all")
        assert (scope.advisor_id is not None) == (role.faculties == "advisees")
