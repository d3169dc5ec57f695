"""The dbt documentation site of the published warehouse, as one static HTML file.

dbt reads the catalog from a database it opens for writing, so it works on a copy and
never takes a lock on the file the dashboards read.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from registrar.common.paths import WAREHOUSE_NAME, Home
from registrar.pipeline.dbt import run_dbt


def generate_docs(home: Home, progress: Callable[[str], None] = print) -> Path:
    """Write $REGISTRAR_HOME/docs/index.html (self-contained) and return its path."""
    if not home.warehouse.exists():
        raise RuntimeError("no published warehouse; run `registrar refresh EXTRACT_DIR` first")
    work = home.runs / "docs"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / WAREHOUSE_NAME
    shutil.copy2(home.warehouse, copy)
    result = run_dbt(["docs", "generate", "--static"], copy, work, progress)
    if not result.ok:
        raise RuntimeError("dbt docs generate failed: " + "; ".join(f["message"] for f in result.failures))
    site = home.root / "docs"
    site.mkdir(exist_ok=True)
    shutil.copy2(work / "dbt_target" / "static_index.html", site / "index.html")
    shutil.rmtree(work, ignore_errors=True)
    return site / "index.html"
