"""The package layering of .importlinter holds on the repository and breaks when someone adds a
forbidden import or an import cycle: lint-imports runs for real on a copy of the packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policy import PROJECT_DIR

PACKAGES = ("policy", "extract", "registrar", "dashboards", "demo", "bench")
LAYERS = "Layers: bench -> dashboards -> registrar -> extract | demo -> policy"
INSIDE = "Layers inside registrar: cli -> reports | access | pipeline -> common"
DEMO_ALONE = "The demo imports no pipeline module, only policy"
ACYCLIC = "No import cycle between the modules of a package"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the repository's contracts on the packages under `root`."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--config", str(root / ".importlinter"), "--no-cache"],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, timeout=120,
    )


def broken(output: str) -> set[str]:
    """Names of the contracts lint-imports reports broken ("<name> BROKEN", maybe "(1 ignored import)")."""
    return {line.split(" BROKEN")[0] for line in output.splitlines() if " BROKEN" in line}


@pytest.fixture
def packages(tmp_path: Path) -> Path:
    """A copy of the project's packages and contracts, safe to spoil."""
    for name in PACKAGES:
        shutil.copytree(PROJECT_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_DIR / ".importlinter", tmp_path)
    return tmp_path


def test_the_contracts_hold_on_the_repository(packages: Path) -> None:
    result = lint_imports(packages)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout, result.stdout


@pytest.mark.parametrize(("module", "added", "contracts"), [
    # the demo reads the contract instead of writing its own headers
    ("demo/writer.py", "from extract.contract import ENTITIES", {DEMO_ALONE, LAYERS}),
    # the demo calls the pipeline: also a cycle, since registrar imports demo
    ("demo/rules.py", "import registrar.common.paths", {DEMO_ALONE, LAYERS}),
    # extract reaches up into registrar, which imports extract: a cycle between packages
    ("extract/read.py", "from registrar.common.paths import PROJECT_DIR", {LAYERS}),
    # the lowest layer imports the demo
    ("policy/__init__.py", "import demo", {LAYERS}),
    # a cycle inside a package: the catalogue imports the writer, which imports the catalogue
    ("demo/catalogue.py", "import demo.writer", {ACYCLIC}),
    # inside registrar: the shared layer reaches up into the pipeline (which imports it: a cycle too)
    ("registrar/common/warehouse.py", "import registrar.pipeline.lock", {INSIDE, ACYCLIC}),
    # inside registrar: access and reports are independent of each other
    ("registrar/access/roles.py", "import registrar.reports.catalog", {INSIDE}),
    # the pipeline reads the CLI, which reads the pipeline: a cycle too
    ("registrar/pipeline/refresh.py", "import registrar.cli", {INSIDE, ACYCLIC}),
    # the dashboards call the bench, which sits on top of them
    ("dashboards/data.py", "import bench.latency", {LAYERS}),
])
def test_a_forbidden_import_or_a_cycle_breaks_the_contracts(packages: Path, module: str, added: str,
                                                             contracts: set[str]) -> None:
    with (packages / module).open("a", encoding="utf-8") as fh:
        fh.write(f"\n{added}  # added by the test\n")
    result = lint_imports(packages)
    assert result.returncode != 0, result.stdout
    assert broken(result.stdout) == contracts, result.stdout
