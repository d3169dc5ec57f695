"""`registrar-bench` end to end on a tiny demo: every field of the results file is there and both
references (pandas, the DuckDB floor) give exactly the marts' core numbers. Correctness only: no
timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bench import check as bench_check
from registrar.common.paths import PROJECT_DIR
from registrar.reports import catalog

pytestmark = pytest.mark.xdist_group("bench")

SIZE_FIELDS = {"students", "years", "seed", "extracts", "load_average_before", "refresh", "dbt", "warehouse_bytes",
               "latency", "reports", "pandas", "floor", "ratios", "load_average_after"}


def test_bench_500_students(tmp_path: Path) -> None:
    out = tmp_path / "results"
    env = {**os.environ, "REGISTRAR_HOME": str(tmp_path / "home")}
    # latency sampled twice and each report timed once: every stage runs for real, a handful of times less;
    # the nightly variant, so the first refresh (night 1) is the plain size's and the nightly scenario runs too
    done = subprocess.run([sys.executable, "-m", "bench.cli", "--sizes", "500n", "--out", str(out),
                           "--repeat", "2", "--report-repeat", "1"], cwd=PROJECT_DIR, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [results] = list(out.glob("*.json"))
    run = json.loads(results.read_text(encoding="utf-8"))
    assert {"at", "commit", "machine", "sizes"} <= run.keys()
    assert {"cores", "memory_bytes", "versions"} <= run["machine"].keys()
    [size] = run["sizes"]
    assert size.keys() >= SIZE_FIELDS
    assert size["students"] == 500 and size["extracts"]["grade_rows"] > 0
    assert size["extracts"]["grade_rows"] == size["extracts"]["rows"]["grades"]
    assert {"wall_seconds", "peak_rss_bytes", "steps"} <= size["refresh"].keys()
    assert size["refresh"]["peak_rss_bytes"] > 0
    assert set(size["refresh"]["steps"]) == {"validate and load extracts", "dbt build (models and tests)",
                                             "quality checks", "publish"}
    assert size["dbt"]["top"] and size["dbt"]["seconds_by_kind"]["models"] > 0
    assert {"fct_grades", "fct_student_terms", "fct_attestation_results", "fct_contingent_monthly"} <= set(
        size["dbt"]["core_marts_models"])
    assert "home" in size["latency"] and size["latency"]["home"]["samples"] > 0
    # every report of the catalogue timed in each of its formats, or its refusal said
    assert size["reports"].keys() == catalog.reports().keys()
    for name, timed in size["reports"].items():
        assert "refused" in timed or set(timed["formats"]) == set(catalog.get(name).formats), (name, timed)
    assert {"refresh_over_pandas", "refresh_over_floor", "core_marts_over_floor"} <= size["ratios"].keys()
    for reference in ("pandas", "floor"):
        check = size[reference]["check"]
        assert size[reference]["matched"], check
        assert set(check) == {"student_terms", "attestation", "headcount"}
        assert all(c["mart_rows"] > 0 and c["mismatches"] == 0 for c in check.values())
    # the nightly scenario: night 2 refreshed in the same home, equal to its full rebuild in a fresh one
    pair, nightly = size["nightly_pair"], size["nightly"]
    assert pair["rows_only_in_night2"]["orders"] > 0 and pair["rows_only_in_night2"]["grades"] > 0
    assert pair["corrected_grade"]["exam_night2"] == str(int(pair["corrected_grade"]["exam_night1"]) + 1)
    assert {"validate and load extracts", "dbt build (models and tests)"} <= nightly["steps"].keys()
    assert nightly["full_rebuild"]["wall_seconds"] > 0 and nightly["over_first"] > 0
    assert nightly["identical"] and not nightly["differing"] and nightly["relations_compared"] > 50
    assert size["extracts"]["dir"].endswith("night1")
    # the table names every size, and the nightly line says whether the warehouses were identical
    table = (out / results.name.replace(".json", ".md")).read_text(encoding="utf-8")
    assert "| 500 nightly |" in table and "identical to it: yes" in table

    # and the check can fail: one student-term's earned credits changed in the floor's numbers
    floor = tmp_path / "home" / "bench" / "floor-500n"
    warehouse = tmp_path / "home" / "bench" / "home-500n" / "warehouse.duckdb"
    con = duckdb.connect()
    con.execute(f"copy (select * replace (credits_earned + (row_number() over () = 1)::int as credits_earned) "
                f"from read_parquet('{floor / 'student_terms.parquet'}')) to '{tmp_path / 'x.parquet'}' "
                "(format parquet)")
    con.close()
    (tmp_path / "x.parquet").replace(floor / "student_terms.parquet")
    changed = bench_check.compare(warehouse, floor)
    assert changed["student_terms"]["mismatches"] == 1 and not bench_check.matched(changed)
