"""The dbt documentation site of the published warehouse, as one static HTML file.

dbt reads the catalog from a database it opens for writing, so it works on a copy and
never takes a lock on the file the dashboards read. It starts from the parse the refreshes keep, with
the profile the last refresh gave dbt, so dbt parses only what changed since (not the whole project).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from registrar.common.paths import WAREHOUSE_NAME, Home
from registrar.pipeline import history
from registrar.pipeline.dbt import run_dbt
from registrar.pipeline.refresh import build_memory_limit


def generate_docs(home: Home, progress: Callable[[str], None] = print) -> Path:
    """Write $REGISTRAR_HOME/docs/index.html (self-contained) and return its path."""
    if not home.warehouse.exists():
        raise RuntimeError("no published warehouse; run `registrar refresh EXTRACT_DIR` first")
    work = home.runs / "docs"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / WAREHOUSE_NAME
    shutil.copy2(home.warehouse, copy)
    # a copy of the home's kept parse (the home's own file keeps its mode), and the last refresh's memory
    # limit, which is part of dbt's profile: a profile that differs would make dbt parse everything again
    parsed = work / home.dbt_parse_cache.name
    if home.dbt_parse_cache.exists():
        shutil.copyfile(home.dbt_parse_cache, parsed)
    record = history.current_record(home)
    extract_bytes = sum(int(str(f.get("bytes") or 0)) for f in record.files) if record else 0
    result = run_dbt(["docs", "generate", "--static"], copy, work, progress, parse_cache=parsed,
                     memory_limit=build_memory_limit(extract_bytes))
    if not result.ok:
        raise RuntimeError("dbt docs generate failed: " + "; ".join(f["message"] for f in result.failures))
    site = home.root / "docs"
    site.mkdir(exist_ok=True)
    shutil.copy2(work / "dbt_target" / "static_index.html", site / "index.html")
    shutil.rmtree(work, ignore_errors=True)
    return site / "index.html"
