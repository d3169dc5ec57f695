"""A grade scale without FX, as the vars allow (letter_exam_below_min "F"): the marts rebuilt on it
have no FX count, and the Attestation page and its queries show the letters of that scale, with
none of them written in the page's code (rpt_grade_letters).

The scale is a test version added to a copy of seeds/grade_scale.csv (the 2018 scale with FX's
scores given to F); the marts are rebuilt by dbt in that copy with the vars the pipeline passes
(`--vars`), over a copy of the published mini university, every data test run and, as in the refresh,
no unit test (their given rows are written for the 2018 scale)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from registrar.pipeline.dbt import dbt_executable

pytestmark = [pytest.mark.usefixtures("dashboard_as_registrar")]
VERSION = "test_no_fx"
VARS = {"grade_scale_version": VERSION, "letter_exam_below_min": "F"}


def _scale_without_fx(seed: Path) -> None:
    """Append VERSION: the 2018 rows but FX, with F earning every score below D."""
    with seed.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    current = [r for r in rows if r["scale_version"] == "2018"]
    fx = next(r for r in current if r["letter_grade"] == "FX")  # the test's own scale: the code is the point
    added = []
    for row in current:
        if row is fx:
            continue
        row = {**row, "scale_version": VERSION}
        if row["letter_grade"] == "F":
            row["max_percent"] = fx["max_percent"]
        added.append(row)
    with seed.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=fields, lineterminator="\n").writerows(added)


@pytest.fixture(scope="module")
def home_without_fx(published_mini: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    root = tmp_path_factory.mktemp("no_fx")
    project = root / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_DIR / name, project / name)
    for folder in ("models", "macros", "seeds", "tests/dbt"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    _scale_without_fx(project / "seeds" / "grade_scale.csv")
    home = Home(root / "home")
    home.root.mkdir()
    shutil.copy2(published_mini.warehouse, home.warehouse)  # the same basename: views name their catalog
    env = {**os.environ, "REGISTRAR_DUCKDB_PATH": str(home.warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    # --full-refresh: a new scale brings other count columns, which a stored incremental model refuses
    # (on_schema_change: fail); the refresh builds from nothing whenever a seed changed (rules C8)
    built = subprocess.run(
        [dbt_executable(), "--no-use-colors", "build", "--select", "grade_scale+", "--exclude", "test_type:unit",
         "--full-refresh", "--vars", json.dumps(VARS),
         "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        cwd=project, env=env, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout[-4000:]
    return home


def _query(home: Home, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_marts_count_the_letters_of_the_scale_in_use(home_without_fx: Home) -> None:
    failing = _query(home_without_fx, "select letter_grade from main.rpt_grade_letters where not is_passing")
    assert [f for (f,) in failing] == ["F"]
    columns = {c for (c,) in _query(home_without_fx, "select column_name from information_schema.columns "
                                                     "where table_name = 'fct_attestation_breakdown'")}
    assert "n_f" in columns and "n_fx" not in columns
    # every first attempt has one of the scale's letters (or the pass letter): the counts add up
    names = [c for (c,) in _query(home_without_fx, "select count_column from main.rpt_grade_letters")]
    [(graded, by_letter)] = _query(home_without_fx, f"select sum(n_graded), sum({' + '.join(names)}) "
                                                    "from main.fct_attestation_breakdown")
    assert graded == by_letter > 0


def test_the_attestation_queries_and_page_work_without_fx(home_without_fx: Home,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(home_without_fx.root))
    from dashboards.queries import attestation as q
    from registrar.access.scope import Scope

    scope = Scope()
    filters = q.default_filters(scope)
    assert filters is not None
    assert q.failing_letters() == [("F", "n_f")]
    now = q.headline(scope, filters)["now"]
    assert now is not None and "n_f" in now and "n_fx" not in now
    letters = q.letters(scope, filters)
    assert "FX" not in set(letters["letter"]) and letters["n"].sum() == now["n_graded"]

    at = AppTest.from_file(str(PROJECT_DIR / "dashboards" / "app.py"), default_timeout=90)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("views/attestation.py").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert t("att_letter_results", "en", letter="F") in labels
    assert t("att_letter_results", "en", letter="FX") not in labels
