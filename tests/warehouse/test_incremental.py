"""The nightly refresh (rules C8, registrar/pipeline/incremental.py): it starts from the served warehouse
only when that is safe, rebuilds the per-student models for the changed students only, and publishes the
same warehouse as a full build of the same files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from registrar.common.paths import Home
from registrar.pipeline import history, incremental
from registrar.pipeline.refresh import refresh
from tests.support.extracts import edit_rows, mini_night_two
from tests.support.homes import copy_home

pytestmark = pytest.mark.xdist_group("mini_refresh")



def _manifest(home: Home) -> dict:
    return json.loads((home.root / "last_build" / "manifest.json").read_text(encoding="utf-8"))


def _incremental_nodes(home: Home) -> dict[str, str]:
    """schema.name -> node id of every model the build made incremental (per student), from its kept manifest."""
    return {f"{n['schema']}.{n['name']}": key for key, n in _manifest(home)["nodes"].items()
            if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"}


def _incremental_models(home: Home) -> list[str]:
    """schema.name of every model the build made incremental (per student)."""
    return sorted(_incremental_nodes(home))


def _student_files_read(manifest: dict, node: str) -> set[str]:
    """The per-student extract files a model reads, through every model and source upstream of it."""
    seen: set[str] = set()
    files: set[str] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in manifest["sources"]:
            name = manifest["sources"][current]["name"]
            files |= {name} & set(incremental.STUDENT_ENTITIES)
        else:
            todo.extend(manifest["nodes"][current]["depends_on"].get("nodes", []))  # a seed depends on none
    return files


def _rows(database: Path, relation: str) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(f"select * from {relation} order by all").fetchall()
    finally:
        con.close()


def _assert_same_warehouse(nightly: Home, full: Home) -> None:
    from bench.compare_marts import compare, report

    marts = compare(full.warehouse, nightly.warehouse)
    assert all(r.identical and not r.only_in_baseline and not r.only_in_candidate for r in marts), report(marts)
    models = _incremental_models(nightly)
    assert "intermediate.int_attempts_ranked" in models
    for relation in models:
        assert _rows(nightly.warehouse, relation) == _rows(full.warehouse, relation), relation


def test_a_per_student_model_carries_only_a_fingerprinted_source_row(published_mini: Home) -> None:
    """A student whose rows only moved in a file is a changed student only for the files whose row
    numbers the fingerprint includes (incremental.SOURCE_ROW_FINGERPRINTED): so a per-student model may
    name where a row stands in its file only when every per-student file it reads is one of those."""
    fingerprinted = set(incremental.SOURCE_ROW_FINGERPRINTED)
    assert fingerprinted <= set(incremental.STUDENT_ENTITIES)
    manifest = _manifest(published_mini)
    con = duckdb.connect(str(published_mini.warehouse), read_only=True)
    try:
        for relation, node in _incremental_nodes(published_mini).items():
            schema, name = relation.split(".")
            found = con.execute("select column_name from information_schema.columns where table_schema = ? "
                                "and table_name = ?", [schema, name]).fetchall()
            columns = {r[0] for r in found}
            assert columns, relation
            if {"source_row", "_source_row"} & columns:
                files = _student_files_read(manifest, node)
                assert files and files <= fingerprinted, (relation, sorted(files))
    finally:
        con.close()


def test_nightly_build_rebuilds_the_changed_students_and_equals_a_full_build(
        mini_dir: Path, tmp_path: Path, published_mini: Home) -> None:
    home = copy_home(published_mini, tmp_path / "home")
    mini_night_two(mini_dir)
    # S0003 leaves the extract altogether: its rows must go from the per-student models too
    for name in ("students", "orders", "enrollments", "grades"):
        edit_rows(mini_dir / f"{name}.csv", lambda rows: [r for r in rows if r["student_id"] != "S0003"])
    lines: list[str] = []
    refresh(mini_dir, home, lines.append, accept_drop=True)  # a student fewer of four: past the guard
    assert "  build: incremental: on a copy of the warehouse served now, rebuilding the changed students" in lines
    # S0001, S0002, S0004 changed; S0003 left
    assert "  students whose records changed: 4 (their rows in a per-student file changed)" in lines
    assert "  reused enrollments.csv: 6 rows (unchanged since the published warehouse)" not in lines  # S0003 left
    assert "  reused faculties.csv: 2 rows (unchanged since the published warehouse)" in lines
    con = duckdb.connect(str(home.warehouse), read_only=True)
    changed = sorted(r[0] for r in con.execute(f"select student_id from {incremental.REBUILT_STUDENTS}").fetchall())
    con.close()
    assert changed == ["S0001", "S0002", "S0003", "S0004"]

    full = Home(tmp_path / "full")
    full_lines: list[str] = []
    refresh(mini_dir, full, full_lines.append)
    assert "  build: full: no warehouse is published yet" in full_lines
    _assert_same_warehouse(home, full)
    assert not any(r[0] == "S0003" for r in _rows(home.warehouse, "intermediate.int_attempts_ranked"))


def test_a_changed_reference_file_or_full_builds_everything(mini_dir: Path, tmp_path: Path,
                                                             published_mini: Home) -> None:
    home = copy_home(published_mini, tmp_path / "home")
    edit_rows(mini_dir / "teachers.csv", lambda rows: [{**r, "full_name": r["full_name"] + "ов"} for r in rows])
    lines: list[str] = []
    refresh(mini_dir, home, lines.append)
    assert "  build: full: teachers.csv changed, which can change every student" in lines
    assert any("reused grades.csv" in line for line in lines)  # the load still reuses the unchanged files

    lines.clear()
    refresh(mini_dir, home, lines.append, full=True)
    assert "  build: full: a full rebuild was asked for (--full)" in lines
    assert not any("reused" in line for line in lines)


def test_plan_refuses_a_warehouse_of_another_project(published_mini: Home, tmp_path: Path) -> None:
    record = history.current_record(published_mini)
    assert record is not None and record.project_fingerprint == history.project_fingerprint()
    files = [{"file": f["file"], "sha256": f["sha256"]} for f in record.files]
    project = history.project_fingerprint()
    assert incremental.plan(published_mini.warehouse, record, files, full=False, project=project).incremental
    record.project_fingerprint = "built by another version"
    refused = incremental.plan(published_mini.warehouse, record, files, full=False, project=project)
    assert not refused.incremental and refused.previous is None
    assert refused.reason.startswith("the project changed since the served warehouse was built")
    assert not incremental.plan(tmp_path / "none.duckdb", record, files, full=False, project=project).incremental
