"""Every singular dbt test sits in a tier folder and its yml says what, when and how to resolve."""

from __future__ import annotations

from tests.support.dbt_tests import SINGULAR, TIERS, singular_tests


def test_singular_tests_sit_in_a_tier_folder_and_their_yml_says_what_when_and_how_to_resolve() -> None:
    files = sorted(SINGULAR.rglob("*.sql"))
    documented = singular_tests()
    assert len(files) >= 12
    assert sorted(documented) == sorted(p.stem for p in files)  # one yml entry per test, none without a test
    for path in files:
        assert path.parent.name in TIERS, f"{path}: not under tests/dbt/<tier>/"
        entry = documented[path.stem]
        assert entry["yml"] == path.with_suffix(".yml"), f"{path}: its yml is not beside it"
        meta = entry["config"]["meta"]
        for text in (entry["description"], meta["matters"], meta["resolve"]):
            assert len(text.strip()) > 20, f"{path}: {text!r}"
        # the guidance lives in the yml alone, not in a comment header as well
        assert not any(line.startswith(("-- Checks", "-- Matters", "-- Resolve"))
                       for line in path.read_text(encoding="utf-8").splitlines()), path
