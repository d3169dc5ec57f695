"""The layering of the dbt project and its interface to the Python, checked on dbt's own manifest
(`dbt parse`, run as the refresh runs dbt: registrar.dbt.run_dbt).

**Areas.** A model's area is the folder under its layer: `models/intermediate/<area>/`,
`models/marts/<area>/`, `models/reports/<area>/` (academic, contingent, core, registrar …).
Staging models and seeds belong to no area: every model may read them.

**Dimensions before facts.** A dimension (`dim_*`) reads, directly, only staging models, seeds,
other dimensions, and intermediate models of its own area or of `core`. It never reads a fact
(`fct_*`), a report (`rpt_*`), a quality feed (`qc_*`) or an intermediate model of another area:
a dimension describes who and what, so nothing it holds waits on a grade or a movement rule.

**The contingent does not wait on grades.** No model that counts the student body depends, even
transitively, on a grade model. Counting the student body: every model under
`models/marts/contingent/` or `models/reports/contingent/`, and the statistical forms and their
census (`rpt_census_*`, `rpt_stat_form_*`, rules B12). A grade model: every model of the academic
area (`models/intermediate/academic/`, `models/marts/academic/`) and, wherever it lives, a model
whose name says it holds results (int_grades_*, int_attempts_*, int_student_terms_*,
int_recognitions_*, fct_grades, fct_student_terms, fct_student_years, fct_student_term_standing,
fct_student_standing, fct_attestation_*, fct_recognition_*).

Each rule is also run on a copy of the manifest with a violation planted, so a rule that can no
longer fail fails here.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from registrar.dbt import run_dbt
from tests.conftest import quiet

Manifest = dict[str, Any]

GRADE_NAME = re.compile(
    r"^(int_(grades|attempts|student_terms|recognitions)_"
    r"|fct_(grades|student_terms|student_years|student_term_standing|student_standing|attestation_|recognition_))"
)
COUNTS_CONTINGENT_NAME = re.compile(r"^rpt_(census_|stat_form_)")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    """dbt's manifest of the project as it stands (parsed, nothing built)."""
    run_dir = tmp_path_factory.mktemp("dbt_parse")
    result = run_dbt(["parse"], run_dir / "parse.duckdb", run_dir, quiet)
    assert result.ok, result.failures
    return json.loads((run_dir / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))


def models(manifest: Manifest) -> dict[str, dict[str, Any]]:
    return {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}


def layer_and_area(node: dict[str, Any]) -> tuple[str, str]:
    """("staging", "") for staging, ("seed", "") for a seed, else (layer, area) from the model's path."""
    if node["resource_type"] == "seed":
        return "seed", ""
    parts = Path(node["original_file_path"]).parts  # models/<layer>/<area>/<file>
    layer = parts[1] if len(parts) > 2 else ""
    area = parts[2] if len(parts) > 3 and layer != "staging" else ""
    return layer, area


def parents(manifest: Manifest, uid: str) -> list[str]:
    return [p for p in manifest["nodes"][uid].get("depends_on", {}).get("nodes", []) if p in manifest["nodes"]]


def ancestors(manifest: Manifest, uid: str) -> set[str]:
    seen: set[str] = set()
    todo = [uid]
    while todo:
        for parent in parents(manifest, todo.pop()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def dimension_violations(manifest: Manifest) -> list[str]:
    """Each direct input of a dim_* model that the rule above does not allow, as "dim <- parent"."""
    found = []
    for uid, node in models(manifest).items():
        if not node["name"].startswith("dim_"):
            continue
        _, area = layer_and_area(node)
        for parent_uid in parents(manifest, uid):
            parent = manifest["nodes"][parent_uid]
            layer, parent_area = layer_and_area(parent)
            name = parent["name"]
            allowed = (
                layer in ("seed", "staging")
                or name.startswith("dim_")
                or (layer == "intermediate" and name.startswith("int_") and parent_area in (area, "core"))
            )
            if not allowed:
                found.append(f"{node['name']} <- {name} ({layer}/{parent_area})")
    return sorted(found)


def is_grade_model(node: dict[str, Any]) -> bool:
    layer, area = layer_and_area(node)
    return node["resource_type"] == "model" and (
        (layer in ("intermediate", "marts") and area == "academic") or bool(GRADE_NAME.match(node["name"])))


def counts_contingent(node: dict[str, Any]) -> bool:
    layer, area = layer_and_area(node)
    return (layer in ("marts", "reports") and area == "contingent") or bool(COUNTS_CONTINGENT_NAME.match(node["name"]))


def contingent_grade_violations(manifest: Manifest) -> list[str]:
    """Each grade model a contingent model depends on, as "model <- grade model"."""
    found = []
    for uid, node in models(manifest).items():
        if counts_contingent(node):
            found += [f"{node['name']} <- {manifest['nodes'][a]['name']}" for a in ancestors(manifest, uid)
                      if is_grade_model(manifest["nodes"][a])]
    return sorted(found)


def _uid(manifest: Manifest, name: str) -> str:
    return next(uid for uid, n in models(manifest).items() if n["name"] == name)


def _plant(manifest: Manifest, child: str, parent: str) -> Manifest:
    """A copy of the manifest in which `child` also refs `parent`."""
    spoiled = copy.deepcopy(manifest)
    spoiled["nodes"][_uid(spoiled, child)]["depends_on"]["nodes"].append(_uid(spoiled, parent))
    return spoiled


def test_the_rules_see_the_project(manifest: Manifest) -> None:
    """The rules have something to hold on: dimensions, contingent models and grade models exist where
    the docstring says (a moved folder would make every rule pass vacuously)."""
    nodes = models(manifest).values()
    assert sum(n["name"].startswith("dim_") for n in nodes) >= 5
    assert {"dim_students", "fct_student_status_history", "fct_contingent_monthly", "rpt_stat_form_3nk"} <= {
        n["name"] for n in nodes if n["name"].startswith("dim_") or counts_contingent(n)}
    assert {"int_attempts_ranked", "fct_grades", "fct_student_terms", "fct_student_standing"} <= {
        n["name"] for n in nodes if is_grade_model(n)}


def test_dimensions_read_no_fact_and_no_other_areas_intermediate(manifest: Manifest) -> None:
    assert dimension_violations(manifest) == []


def test_the_contingent_models_depend_on_no_grade_model(manifest: Manifest) -> None:
    assert contingent_grade_violations(manifest) == []


@pytest.mark.parametrize("child, parent", [
    ("dim_students", "fct_student_terms"),  # a dimension on a fact
    ("dim_students", "int_attempts_ranked"),  # on an intermediate of another area
    ("dim_programs", "int_orders_replayed"),
    ("dim_groups", "rpt_transcript"),
])
def test_a_planted_dimension_violation_is_found(manifest: Manifest, child: str, parent: str) -> None:
    layer, area = layer_and_area(models(manifest)[_uid(manifest, parent)])
    assert dimension_violations(_plant(manifest, child, parent)) == [f"{child} <- {parent} ({layer}/{area})"]


@pytest.mark.parametrize("child, parent", [
    ("int_student_plans", "int_attempts_ranked"),  # reaches every contingent mart through dim_students
    ("fct_student_status_history", "fct_student_standing"),
    ("rpt_census_population", "fct_grades"),
])
def test_a_planted_grade_dependency_of_the_contingent_is_found(manifest: Manifest, child: str, parent: str) -> None:
    assert contingent_grade_violations(manifest) == []
    assert any(line.endswith(f" <- {parent}") for line in contingent_grade_violations(_plant(manifest, child, parent)))
