"""The refresh names what changed since the warehouse served now, term by term (rules C8): a corrected
grade, a corrected recognition and an order back-dated into a closed term are each found and named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registrar.common.paths import Home
from registrar.pipeline.refresh import refresh
from tests.support.extracts import mini_night_two
from tests.support.homes import copy_home

pytestmark = pytest.mark.xdist_group("mini_refresh")


def test_first_refresh_compares_with_nothing(published_mini: Home) -> None:
    last = json.loads(published_mini.last_refresh.read_text(encoding="utf-8"))
    assert last["changes"]["not_compared"] == "no warehouse is published yet"
    assert last["changes"]["terms"] == []


def test_changes_in_a_closed_term_are_named(mini_dir: Path, tmp_path: Path, published_mini: Home,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    home = copy_home(published_mini, tmp_path / "home")
    lines: list[str] = []
    refresh(mini_dir, home, lines.append)  # the same files: nothing changed
    assert "    no term's grades, enrollments, recognitions or orders changed" in lines
    assert "    files changed: none (11 unchanged)" in lines

    mini_night_two(mini_dir)
    lines.clear()
    refresh(mini_dir, home, lines.append)
    # term 1's exams ended 2025-01-25; the extract date (the last grade sheet) is 2025-06-10
    named = [line.strip() for line in lines if "(closed, exams ended" in line]
    assert named == [
        "2024-2025 Term 1 (closed, exams ended 2025-01-25): grades +1 / -1 rows (7 → 7)",
        "2024-2025 Term 1 (closed, exams ended 2025-01-25): recognitions +1 / -1 rows (1 → 1)",
        "2024-2025 Term 1 (closed, exams ended 2025-01-25): orders +1 / -1 rows (6 → 6)",
    ], lines
    assert "    files changed: orders.csv, grades.csv, recognitions.csv (8 unchanged)" in lines
    last = json.loads(home.last_refresh.read_text(encoding="utf-8"))
    assert last["changes"]["closed_terms_changed"] == 3
    assert {(t["source"], t["state"]) for t in last["changes"]["terms"]} == {
        ("grades", "closed"), ("recognitions", "closed"), ("orders", "closed")}
    logged = json.loads(home.load_log.read_text(encoding="utf-8").splitlines()[-1])
    assert logged["changes"] == last["changes"]

    # the Data refresh page shows the same, in the page's language (Kazakh by default)
    from streamlit.testing.v1 import AppTest

    from registrar.common.i18n import t
    from registrar.common.paths import PROJECT_DIR
    from tests.support.access import signed_in

    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    at = signed_in(AppTest.from_file(str(PROJECT_DIR / "dashboards" / "app.py"), default_timeout=60),
                   "registrar", home).run()
    at.switch_page("views/status.py").run()
    assert not at.exception
    assert t("changes_heading", "kk") in [h.value for h in at.subheader]
    assert t("changes_closed", "kk", n="3") in [w.value for w in at.warning]
    shown = next(f.value for f in at.dataframe if t("changes_added", "kk") in f.value.columns)
    columns = [t(k, "kk") for k in ("changes_term", "changes_source", "changes_state", "changes_added",
                                    "changes_removed")]
    term_1, closed = "2024-2025 1-семестр", t("changes_state_closed", "kk")
    assert shown[columns].values.tolist() == [
        [term_1, t("changes_source_grades", "kk"), closed, "1", "1"],
        [term_1, t("changes_source_recognitions", "kk"), closed, "1", "1"],
        [term_1, t("changes_source_orders", "kk"), closed, "1", "1"],
    ]


def test_a_term_closes_only_after_the_var(mini_dir: Path, tmp_path: Path, published_mini: Home,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With term_closed_after_days past the days since term 1's exams ended, its changes are an open term's."""
    import policy

    home = copy_home(published_mini, tmp_path / "home")
    mini_night_two(mini_dir)
    days_since = 136  # 2025-01-25 → 2025-06-10: not more than the var, so not closed
    project_vars = policy.dbt_vars()
    monkeypatch.setattr(policy, "dbt_vars", lambda: project_vars | {"term_closed_after_days": days_since})
    lines: list[str] = []
    refresh(mini_dir, home, lines.append)
    assert any("2024-2025 Term 1 (open): grades +1 / -1 rows" in line for line in lines), lines
    assert not any("closed, exams ended" in line for line in lines)
