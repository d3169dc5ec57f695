"""The layering of the dbt project and its interface to the Python, checked on dbt's own manifest
(`dbt parse`, run as the refresh runs dbt: tests/support/dbt_run.py).

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
import shutil
from pathlib import Path
from typing import Any

import pytest

from policy import PROJECT_DIR
from tests.support.dbt_run import run_dbt_as_a_refresh

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
    result = run_dbt_as_a_refresh(["parse"], run_dir)
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


# --- The interface to the Python: contracts and exposures ---------------------------------------
#
# What the Python reads is found by scanning its text for `main.<relation>` and `reference.<seed>`
# (a name that runs into an f-string placeholder, `main.rpt_stat_form_{form}`, stands for every
# model it begins). Only these qualified names are seen: SQL in Python names its relations so.
#
# Which exposure a file belongs to (models/exposures.yml):
# - dashboards/views/<page>.py and dashboards/queries/<page>.py: exposure `dashboard_<page>`;
# - registrar/reports/library/<module>.py: exposure `report_<module>` (one per module, so
#   stat_forms.py is `report_stat_forms` for both forms);
# - the dashboards' shared modules (dashboards/*.py: sign-in, scope, connections; and
#   registrar/access/ once access control lives there) run for every page: their reads belong to
#   every dashboard_* exposure; registrar/reports/*.py (parameter checks, list helpers) runs for
#   every report: its reads belong to every report_* exposure.
# An exposure declares exactly what its files read: a relation read and not declared, or declared
# and no longer read, fails, as does an exposure whose page or module does not exist.

# a name followed by "(" is a function of the warehouse (main.latin_search_key, made by on-run-end), no relation
RELATION = re.compile(r"(?<![\w.])(main|reference)\.([a-z][a-z0-9_]*)(?:(\{)|(?![\w{]|\s*\())")
PAGE_PREFIX, REPORT_PREFIX = "dashboard_", "report_"


def reads_of(text: str, manifest: Manifest) -> set[str]:
    """The models and seeds a Python text reads, by name."""
    names = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")}
    found: set[str] = set()
    for m in RELATION.finditer(text):
        name = m[2]
        found |= {n for n in names if n.startswith(name)} if m[3] else {name}
    return found


def python_reads(root: Path, manifest: Manifest) -> dict[str, set[str]]:
    """Each exposure's relations, by the rule above, from the Python under `root`."""
    def read(paths: list[Path]) -> set[str]:
        return set().union(*(reads_of(p.read_text(encoding="utf-8"), manifest) for p in paths))

    shared_pages = read(sorted((root / "dashboards").glob("*.py"))
                        + sorted((root / "registrar" / "access").rglob("*.py")))
    shared_reports = read(sorted((root / "registrar" / "reports").glob("*.py")))
    pages = {p.stem for p in (root / "dashboards" / "views").glob("*.py")}
    wanted = {f"{PAGE_PREFIX}{page}": read([root / "dashboards" / d / f"{page}.py" for d in ("views", "queries")
                                           if (root / "dashboards" / d / f"{page}.py").exists()]) | shared_pages
              for page in pages}
    for extra in (root / "dashboards" / "queries").glob("*.py"):
        if extra.stem != "__init__" and extra.stem not in pages:
            wanted[f"{PAGE_PREFIX}{extra.stem}"] = read([extra]) | shared_pages  # queries of no page: flagged below
    for module in (root / "registrar" / "reports" / "library").glob("*.py"):
        if module.stem != "__init__":
            wanted[f"{REPORT_PREFIX}{module.stem}"] = read([module]) | shared_reports
    return wanted


def declared(manifest: Manifest) -> dict[str, set[str]]:
    """Each exposure's depends_on, by name."""
    return {e["name"]: {manifest["nodes"][d]["name"] for d in e["depends_on"]["nodes"] if d in manifest["nodes"]}
            for e in manifest["exposures"].values()}


def exposure_problems(root: Path, manifest: Manifest) -> list[str]:
    wanted, have = python_reads(root, manifest), declared(manifest)
    pages = {p.stem for p in (root / "dashboards" / "views").glob("*.py")}
    problems = [f"{name}: dashboards/queries/{name.removeprefix(PAGE_PREFIX)}.py is no page (no dashboards/views file)"
                for name in wanted if name.startswith(PAGE_PREFIX) and name.removeprefix(PAGE_PREFIX) not in pages]
    for name in sorted(set(wanted) | set(have)):
        if name not in have:
            problems.append(f"{name}: no exposure in models/exposures.yml")
        elif name not in wanted:
            problems.append(f"{name}: exposure of no page or report module (names: {PAGE_PREFIX}<page>, "
                            f"{REPORT_PREFIX}<module>)")
        else:
            problems += [f"{name}: reads {r} and does not declare it" for r in sorted(wanted[name] - have[name])]
            problems += [f"{name}: declares {r} and no longer reads it" for r in sorted(have[name] - wanted[name])]
    return problems


def uses_seed_pivot(node: dict[str, Any]) -> bool:
    """The model's columns follow a seed (macros count_by_code / sum_by_code of seed_pivot.sql)."""
    return any(m.rsplit(".", 1)[-1] in ("count_by_code", "sum_by_code") for m in node["depends_on"].get("macros", []))


def contract_problems(root: Path, manifest: Manifest) -> list[str]:
    """Each dim_/fct_/rpt_ model the Python reads (dashboards, registrar, bench) without an enforced contract
    or without a data_type on a column. A model whose columns follow a seed cannot have a fixed contract (a new
    letter of the grade scale adds a column): it has its types but no enforced contract."""
    texts = [p.read_text(encoding="utf-8") for d in ("dashboards", "registrar", "bench")
             for p in (root / d).rglob("*.py")]
    read = set().union(*(reads_of(t, manifest) for t in texts))
    problems = []
    for node in models(manifest).values():
        if node["name"] not in read or not node["name"].startswith(("dim_", "fct_", "rpt_")):
            continue
        enforced = node["config"].get("contract", {}).get("enforced", False)
        if not enforced and not uses_seed_pivot(node):
            problems.append(f"{node['name']}: no enforced contract")
        problems += [f"{node['name']}.{c}: no data_type" for c, col in node["columns"].items()
                     if not col.get("data_type")]
        if not node["columns"]:
            problems.append(f"{node['name']}: no columns declared")
    return sorted(problems)


def test_every_relation_the_python_reads_has_a_typed_contract(manifest: Manifest) -> None:
    assert contract_problems(PROJECT_DIR, manifest) == []


def test_every_page_and_report_declares_what_it_reads(manifest: Manifest) -> None:
    wanted = python_reads(PROJECT_DIR, manifest)
    assert {"dashboard_student", "dashboard_home", "report_transcript", "report_stat_forms"} <= set(wanted)
    assert {"dim_students", "fct_student_standing", "rpt_transcript"} <= wanted["dashboard_student"]
    assert {"rpt_stat_form_1nk", "rpt_stat_form_3nk"} <= wanted["report_stat_forms"]
    assert exposure_problems(PROJECT_DIR, manifest) == []


def test_exposures_are_pages_and_reports_of_the_right_type(manifest: Manifest) -> None:
    for exposure in manifest["exposures"].values():
        assert exposure["type"] == ("dashboard" if exposure["name"].startswith(PAGE_PREFIX) else "analysis")
        assert exposure["owner"]["name"] == "Registration Office"
        assert exposure["description"].strip() and exposure["maturity"]


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The Python the exposures describe, copied so that a test can spoil it."""
    for d in ("dashboards", "registrar"):
        shutil.copytree(PROJECT_DIR / d, tmp_path / d, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_a_read_no_exposure_declares_fails(manifest: Manifest, project_copy: Path) -> None:
    queries = project_copy / "dashboards" / "queries" / "home.py"
    queries.write_text(queries.read_text(encoding="utf-8") + '\nEXTRA = "select 1 from main.rpt_transcript"\n',
                       encoding="utf-8")
    assert exposure_problems(project_copy, manifest) == ["dashboard_home: reads rpt_transcript and does not declare it"]


def test_an_exposure_of_a_module_that_is_gone_fails(manifest: Manifest, project_copy: Path) -> None:
    (project_copy / "registrar" / "reports" / "library" / "movement_register.py").unlink()
    assert exposure_problems(project_copy, manifest) == [
        "report_movement_register: exposure of no page or report module "
        f"(names: {PAGE_PREFIX}<page>, {REPORT_PREFIX}<module>)"]


def test_a_shared_read_belongs_to_every_page(manifest: Manifest, project_copy: Path) -> None:
    data = project_copy / "dashboards" / "data.py"
    data.write_text(data.read_text(encoding="utf-8") + '\nEXTRA = "select 1 from reference.grade_scale"\n',
                    encoding="utf-8")
    pages = {p.stem for p in (project_copy / "dashboards" / "views").glob("*.py")}
    have = declared(manifest)
    expected = {f"{PAGE_PREFIX}{page}: reads grade_scale and does not declare it" for page in pages
                if "grade_scale" not in have[f"{PAGE_PREFIX}{page}"]}  # a page may read the scale itself
    assert expected and set(exposure_problems(project_copy, manifest)) == expected


def test_a_contract_taken_away_fails(manifest: Manifest) -> None:
    spoiled = copy.deepcopy(manifest)
    node = spoiled["nodes"][_uid(spoiled, "fct_student_standing")]
    node["config"]["contract"] = {"enforced": False}
    node["columns"]["n_debts"]["data_type"] = None
    assert contract_problems(PROJECT_DIR, spoiled) == [
        "fct_student_standing.n_debts: no data_type", "fct_student_standing: no enforced contract"]
