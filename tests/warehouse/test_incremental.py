"""The nightly refresh (rules C8, registrar/pipeline/incremental.py): it starts from the served warehouse
only when that is safe, rebuilds the per-student models for the changed students only, and publishes the
same warehouse as a full build of the same files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from registrar.common.paths import PROJECT_DIR, WAREHOUSE_NAME, Home
from registrar.pipeline import history, incremental
from registrar.pipeline.checks import NOT_RUN_AGAIN
from registrar.pipeline.dbt import dbt_executable
from registrar.pipeline.refresh import RefreshFailed, refresh
from tests.support.extracts import edit_rows, file_digest, mini_night_two
from tests.support.homes import copy_home

pytestmark = pytest.mark.xdist_group("mini_refresh")


def _manifest(home: Home) -> dict:
    return json.loads((home.root / "last_build" / "manifest.json").read_text(encoding="utf-8"))


def _manifest_tests(home: Home) -> list[str]:
    """The data tests of the project, as the manifest of the home's last build lists them."""
    return [key for key, n in _manifest(home)["nodes"].items() if n["resource_type"] == "test"]


def _incremental_nodes(manifest: dict) -> dict[str, str]:
    """schema.name -> node id of every model the build made incremental (per student, or counted by changed
    keys), from its manifest."""
    return {f"{n['schema']}.{n['name']}": key for key, n in manifest["nodes"].items()
            if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"}


def _incremental_models(home: Home) -> list[str]:
    """schema.name of every model the build made incremental (per student, or counted by changed keys)."""
    return sorted(_incremental_nodes(_manifest(home)))


def _per_student_nodes(manifest: dict) -> set[str]:
    """Node ids of the relations declared per student (meta per_student in dbt_project.yml, rules C8)."""
    return {key for key, n in manifest["nodes"].items() if n["config"].get("meta", {}).get("per_student")}


def _changed_keys_nodes(manifest: dict) -> dict[str, dict]:
    """Node id -> changed_keys settings of the aggregates counted by changed keys (macros/incremental_keys.sql)."""
    return {key: n["config"]["meta"]["changed_keys"] for key, n in manifest["nodes"].items()
            if n["config"].get("meta", {}).get("changed_keys")}


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


def _run_results(home: Home) -> list[dict]:
    """What the home's last build ran: one entry per node, with its compiled SQL."""
    return json.loads((home.root / "last_build" / "run_results.json").read_text(encoding="utf-8"))["results"]


def _narrowed_tests(home: Home) -> set[str]:
    """The data tests of the home's last build that read the changed students' rows only (rules C8)."""
    return {r["unique_id"].split(".")[2] for r in _run_results(home)
            if r["unique_id"].startswith("test.") and incremental.CHANGED_STUDENTS in (r.get("compiled_code") or "")}


def test_a_per_student_model_carries_only_a_fingerprinted_source_row(published_mini: Home) -> None:
    """A student whose rows only moved in a file is a changed student only for the files whose row
    numbers the fingerprint includes (incremental.SOURCE_ROW_FINGERPRINTED): so a per-student model may
    name where a row stands in its file only when every per-student file it reads is one of those."""
    fingerprinted = set(incremental.SOURCE_ROW_FINGERPRINTED)
    assert fingerprinted <= set(incremental.STUDENT_ENTITIES)
    manifest = _manifest(published_mini)
    con = duckdb.connect(str(published_mini.warehouse), read_only=True)
    try:
        for relation, node in _incremental_nodes(manifest).items():
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


def test_a_per_student_relation_reads_only_what_is_the_students_own(published_mini: Home) -> None:
    """A per-student relation (meta per_student, rules C8) reads per-student relations, the extracts, seeds,
    relations made of reference files only, and relations marked the same for every student. A relation
    across students (dim_students' name places, a headcount) would leave the rows of a student a nightly
    build does not rebuild stale: refused here, so each per-student model states its purity in
    dbt_project.yml and dbt's lineage checks it. A relation the same for every student says how its change
    reaches every student: the list of terms, `marked_by_the_refresh` (registrar/pipeline/incremental.py
    marks every student); a list over all students, `rebuilt_when_moved`, which every per-student model whose
    rows follow from it (directly or through per-student models) names in `meta: rebuilt_when_moved`, so it
    rebuilds every student when the list moved (macros/incremental_students.sql)."""
    manifest = _manifest(published_mini)
    nodes = manifest["nodes"]

    def meta(node: str) -> dict:
        return nodes[node]["config"].get("meta", {}) if node in nodes else {}

    per_student = _per_student_nodes(manifest)
    # every stored one is declared
    assert set(_incremental_nodes(manifest).values()) <= per_student | set(_changed_keys_nodes(manifest))
    refused = {
        nodes[key]["name"]: sorted(nodes[parent]["name"] for parent in nodes[key]["depends_on"]["nodes"]
                                   if parent in nodes and not meta(parent).get("per_student")
                                   and not meta(parent).get("same_for_every_student")
                                   and _student_files_read(manifest, parent))
        for key in per_student
    }
    assert {name: parents for name, parents in refused.items() if parents} == {}

    same = {key: meta(key)["same_for_every_student"] for key in nodes if meta(key).get("same_for_every_student")}
    assert {nodes[key]["name"] for key, how in same.items() if how == "marked_by_the_refresh"} == {"dim_terms"}
    moving = {key for key, how in same.items() if how == "rebuilt_when_moved"}
    assert set(same.values()) == {"marked_by_the_refresh", "rebuilt_when_moved"}

    def lists_read(node: str) -> set[str]:
        """The moving lists a per-student model's rows follow from: read by it or by a per-student parent."""
        found: set[str] = set()
        for parent in nodes[node]["depends_on"]["nodes"]:
            if parent in moving:
                found.add(nodes[parent]["name"])
            elif parent in per_student:
                found |= lists_read(parent)
        return found

    declared = {nodes[key]["name"]: sorted(meta(key).get("rebuilt_when_moved", [])) for key in per_student}
    assert declared == {nodes[key]["name"]: sorted(lists_read(key)) for key in per_student}
    assert declared["rpt_state_grant_credits"] == ["int_state_grant_quarters_listed"]
    for key in moving:  # each moving list keeps the list before and now for the comparison
        hooks = [h["sql"] for h in nodes[key]["config"]["pre-hook"] + nodes[key]["config"]["post-hook"]]
        assert hooks == ["{{ keep_list_before() }}", "{{ keep_list_now() }}"], nodes[key]["name"]


def test_an_aggregate_counted_by_changed_keys_reads_its_per_student_rows_by_its_own_group(
        published_mini: Home) -> None:
    """An aggregate counted by changed keys (rules C8, macros/incremental_keys.sql) recomputes a group from the
    rows of that group alone: so it reads, of what holds any student's rows, only the per-student relation it
    groups, which keeps its changed students' rows as they were, or an aggregate counted by changed keys of the
    same rows with at least its keys (a group of it is made of whole groups of that one), besides the list of
    terms (a term's dates come from the calendar, whose change builds everything); and it groups exactly by
    the declared keys (its key test's columns are among them, so no two rows share a group)."""
    manifest = _manifest(published_mini)
    nodes = manifest["nodes"]
    aggregates = _changed_keys_nodes(manifest)
    assert {nodes[key]["name"] for key in aggregates} == {"fct_attestation_breakdown", "fct_attestation_results",
                                                          "rpt_grade_sheet_timeliness"}
    for key, settings in aggregates.items():
        node = nodes[key]
        grouped = next(k for k, n in nodes.items() if n["resource_type"] == "model" and n["name"] == settings["of"])
        assert nodes[grouped]["config"]["meta"].get("per_student") == "student_id", settings["of"]
        assert nodes[grouped]["config"]["meta"].get("keeps_changed_rows") is True, settings["of"]
        assert node["config"]["materialized"] == "incremental"
        finer = {k for k, other in aggregates.items()
                 if other["of"] == settings["of"] and set(settings["keys"]) <= set(other["keys"])}
        across = sorted(nodes[p]["name"] for p in node["depends_on"]["nodes"]
                        if p not in {grouped} | finer and p in nodes and _student_files_read(manifest, p)
                        and not nodes[p]["config"].get("meta", {}).get("same_for_every_student"))
        assert across == [], node["name"]
        keyed = [n["test_metadata"]["kwargs"]["columns"] for n in nodes.values()
                 if n["resource_type"] == "test" and n.get("attached_node") == key
                 and n.get("test_metadata", {}).get("name") == "unique_combination"]
        assert keyed and all(set(columns) <= set(settings["keys"]) for columns in keyed), node["name"]
        group_by = node["raw_code"].split("group by", 1)[1].split(")", 1)[0]
        columns = sorted(c.strip().split(".")[-1] for c in group_by.replace("\n", " ").split(","))
        assert columns == sorted(settings["keys"]), node["name"]


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
    # the breakdown counted again only the groups whose rows changed, and no kept rows are published
    results = _run_results(home)
    for name in ("fct_attestation_breakdown", "fct_attestation_results", "rpt_grade_sheet_timeliness"):
        counted = next(r for r in results if r["unique_id"] == f"model.registrar.{name}")
        assert "meta.int_sittings_placed__changed" in counted["compiled_code"], name
    # the scoring view's consumers name the changed students, so that DuckDB filters the grades below its joins
    for name in ("int_attempts_ranked", "int_recognitions_checked"):
        ranked = next(r for r in results if r["unique_id"] == f"model.registrar.{name}")
        assert "student_id in ('S0001', 'S0002', 'S0003', 'S0004')" in ranked["compiled_code"], name
    con = duckdb.connect(str(home.warehouse), read_only=True)
    kept = con.execute("select table_name from duckdb_tables() "
                       "where regexp_matches(table_name, '__(before|changed)$')").fetchall()
    con.close()
    assert kept == []
    # the nightly build's error-level tests of per-student relations read the changed students only; a test of
    # a relation across students does not, nor does any test of a full build
    narrowed = _narrowed_tests(home)
    assert {"unique_combination_fct_grades_student_id__discipline_code__academic_year__term__attempt",
            "unique_combination_rpt_transcript_student_id__term_seq__discipline_code",
            "unique_combination_rpt_state_grant_credit_periods_quarter__student_id__valid_from",  # the quarters stayed
            "assert_academic_gpa_recomputes_from_grades", "assert_contingent_periods_do_not_overlap",
            "assert_contingent_one_current_period_per_admitted_student"} <= narrowed
    manifest = _manifest(home)
    per_student = _per_student_nodes(manifest)
    attached = {n["name"]: n.get("attached_node") for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    singular = {"assert_academic_gpa_recomputes_from_grades", "assert_academic_grades_map_to_one_scale_row",
                "assert_contingent_periods_do_not_overlap", "assert_contingent_periods_leave_no_gaps",
                "assert_contingent_one_current_period_per_admitted_student"}
    assert all(attached[name] in per_student or name in singular for name in narrowed)
    assert not _narrowed_tests(full)


def test_a_nightly_build_whose_orders_move_the_quarters_rebuilds_every_student(
        mini_dir: Path, tmp_path: Path, published_mini: Home) -> None:
    """The state-grant lists span the quarters of all students' orders (int_state_grant_quarters_listed, rules
    B21): S0002 (paid, no grant) alone changes, its admission back-dated into an earlier quarter and its leave
    dated after the span's end, so the list of quarters moves at both ends. The grant students S0001 and
    S0004 did not change, but their open periods reach the new last quarter: the nightly build rebuilds every
    student of the lists that read the quarters (rules C8) and equals a full build."""
    home = copy_home(published_mini, tmp_path / "home")

    def moved(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for r in rows:
            if (r["order_no"], r["student_id"]) == ("101-С", "S0002"):
                r["order_date"], r["effective_date"] = "2024-06-10", "2024-06-20"
            if (r["order_no"], r["student_id"]) == ("215-С", "S0002"):
                r["order_date"], r["effective_date"] = "2025-09-20", "2025-10-01"
        return rows

    edit_rows(mini_dir / "orders.csv", moved)
    quarters = "intermediate.int_state_grant_quarters_listed"
    before = [r[0] for r in _rows(home.warehouse, quarters)]
    lines: list[str] = []
    refresh(mini_dir, home, lines.append)
    assert "  build: incremental: on a copy of the warehouse served now, rebuilding the changed students" in lines
    assert "  students whose records changed: 1 (their rows in a per-student file changed)" in lines
    # only orders changed: dbt built what reads them (incremental.Plan.selection); the grades' and the
    # disciplines' models, the seeds and their tests kept the published warehouse's, and the quality report
    # lists each such test as passed, not run again
    ran = {r["unique_id"] for r in _run_results(home)}
    assert {"model.registrar.int_orders_replayed", "model.registrar.rpt_state_grant_credits"} <= ran
    assert not {"model.registrar.stg_ais__grades", "model.registrar.dim_disciplines",
                "seed.registrar.grade_scale"} & ran
    assert any("models that read none of the changed files (orders) kept as published" in line for line in lines)
    checks = {c["name"]: c for c in json.loads(home.quality_report.read_text(encoding="utf-8"))["checks"]}
    unique_grade = "unique_combination_stg_ais__grades_student_id__discipline_code__academic_year__term__attempt"
    kept = next(c for name, c in checks.items() if name.startswith(unique_grade))
    assert (kept["status"], kept["message"]) == ("pass", NOT_RUN_AGAIN)
    assert {key.split(".", 2)[-1] for key in _manifest_tests(home)} <= checks.keys()  # every test, run or not
    after = [r[0] for r in _rows(home.warehouse, quarters)]
    assert after[0] < before[0] and after[-1] > before[-1]
    assert _rows(home.warehouse, "meta.int_state_grant_quarters_listed_moved")[0][0] != \
        _rows(home.warehouse, "meta.int_state_grant_quarters_listed_moved")[0][1]
    grant = _rows(home.warehouse, "main.rpt_state_grant_credits")
    assert {r[0] for r in grant if r[4] == "S0001"} >= {after[-1]}  # an unchanged student's new quarter
    # the lists that rebuilt every student test every row; the grant periods, which do not read the quarters,
    # still test the changed student's rows only
    narrowed = _narrowed_tests(home)
    assert "unique_combination_rpt_state_grant_periods_student_id__valid_from" in narrowed
    assert not any(name.startswith(("not_null_rpt_state_grant_credit", "unique_combination_rpt_state_grant_credit"))
                   for name in narrowed)

    full = Home(tmp_path / "full")
    refresh(mini_dir, full, lambda _line: None)
    for relation in ("main.rpt_state_grant_periods", "main.rpt_state_grant_credit_periods",
                     "main.rpt_state_grant_credits", quarters):
        assert _rows(home.warehouse, relation) == _rows(full.warehouse, relation), relation
    _assert_same_warehouse(home, full)


def test_a_nightly_build_whose_only_changed_file_is_the_grades_builds_what_reads_them(
        mini_dir: Path, tmp_path: Path, published_mini: Home) -> None:
    """A corrected exam of S0001 and nothing else (rules C8, incremental.Plan.selection): dbt builds only what
    reads the grades, and the lists over all students whose change rebuilds every student are built too, so
    their comparison is tonight's: the quarters did not move, and the state-grant lists test S0001 alone
    (after a build from nothing the kept comparison says moved). The warehouse equals a full build. The
    archive keeps tonight's grades as a copy of their own and every other file as a link to the file of
    the served warehouse's run, the same bytes."""
    home = copy_home(published_mini, tmp_path / "home")
    served = history.current_record(home)
    assert served is not None

    def corrected_exam(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for r in rows:
            if (r["student_id"], r["discipline_code"], r["attempt"]) == ("S0001", "HIS1101", "1"):
                r["exam"] = "82"
        return rows

    edit_rows(mini_dir / "grades.csv", corrected_exam)
    lines: list[str] = []
    refresh(mini_dir, home, lines.append)
    assert "  students whose records changed: 1 (their rows in a per-student file changed)" in lines
    ran = {r["unique_id"] for r in _run_results(home)}
    assert {"model.registrar.int_attempts_ranked", "model.registrar.int_state_grant_quarters_listed",
            "test.registrar.assert_contingent_movement_reasons_cover_orders"} <= ran  # warn-level: always runs
    assert not {"model.registrar.int_orders_replayed", "model.registrar.stg_ais__orders"} & ran
    assert "unique_combination_rpt_state_grant_credit_periods_quarter__student_id__valid_from" in _narrowed_tests(home)
    tonight = history.current_record(home)
    assert tonight is not None and tonight.run_id != served.run_id
    archived = sorted(str(f["file"]) for f in tonight.files)
    assert "grades.csv" in archived and len(archived) > 1
    for name in archived:
        kept, now = home.archive / served.run_id / name, home.archive / tonight.run_id / name
        assert now.read_bytes() == (mini_dir / name).read_bytes(), name
        assert os.path.samefile(kept, now) == (name != "grades.csv"), name

    full = Home(tmp_path / "full")
    refresh(mini_dir, full, lambda _line: None)
    _assert_same_warehouse(home, full)


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


def test_a_nightly_build_still_stops_on_a_defect_in_a_changed_students_rows(
        mini_dir: Path, tmp_path: Path, published_mini: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """The nightly build tests the changed students' rows (rules C8): a defect there stops the refresh and
    nothing is published. The defect (a grade row twice) is one the loader refuses in a file, so it is
    planted in the loaded rows, once for S0001 (changed) and once for S0003 (unchanged, where the argument
    says no defect can be: last night's warehouse passed the test) to show which rows the test read."""
    home = copy_home(published_mini, tmp_path / "home")
    served = file_digest(home.warehouse)
    mini_night_two(mini_dir)  # S0001, S0002 and S0004 change; S0003 does not
    mark = incremental.mark_changed_students

    def marked_then_planted(database: Path, nightly: bool, unchanged: tuple[str, ...]) -> tuple[int, str] | None:
        marked = mark(database, nightly, unchanged)
        con = duckdb.connect(str(database))
        try:
            for student in ("S0001", "S0003"):
                con.execute("insert into raw.grades select * from raw.grades where student_id = ? limit 1", [student])
        finally:
            con.close()
        return marked

    monkeypatch.setattr(incremental, "mark_changed_students", marked_then_planted)
    lines: list[str] = []
    with pytest.raises(RefreshFailed) as failed:
        refresh(mini_dir, home, lines.append)
    assert "  build: incremental: on a copy of the warehouse served now, rebuilding the changed students" in lines
    assert failed.value.step == "dbt build" and failed.value.quality is not None
    assert file_digest(home.warehouse) == served  # nothing published
    key = "student_id__discipline_code__academic_year__term__attempt"
    check = next(c for c in failed.value.quality.checks
                 if c.name.startswith(f"unique_combination_stg_ais__grades_{key}."))  # name.hash
    assert (check.severity, check.status) == ("error", "fail")
    assert [row["student_id"] for row in check.failing_sample] == ["S0001"]  # S0003's rows were not read


def test_only_error_level_tests_whose_verdict_is_the_students_own_are_narrowed(
        published_mini: Home, tmp_path: Path) -> None:
    """Which tests read the changed students only (macros/tests/changed_students_tested.sql), seen in the SQL
    dbt compiles for probe tests added to a copy of the project, in a nightly build and outside one."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_DIR / name, project / name)
    for folder in ("models", "macros", "seeds", "tests/dbt"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    key = "[student_id, discipline_code, academic_year, term, attempt]"
    for name in ("probe_grades", "probe_grades_whole"):
        (project / "models" / f"{name}.sql").write_text("select * from {{ ref('fct_grades') }}\n", encoding="utf-8")
    (project / "models" / "probe_grades.yml").write_text(f"""version: 2
models:
- name: probe_grades
  config: {{materialized: view, meta: {{per_student: student_id}}}}
  data_tests:
  - unique_combination: {{columns: {key}}}
  - unique_combination:
      columns: [attempt, student_id, discipline_code, academic_year, term]
      config: {{severity: warn}}
  - unique_combination: {{columns: [discipline_code, academic_year, term, attempt]}}
  columns:
  - name: student_id
    data_tests:
    - not_null: {{config: {{where: "attempt = 1"}}}}
    - relationships: {{to: "ref('dim_students')", field: student_id}}
- name: probe_grades_whole
  config: {{materialized: view}}
  data_tests:
  - unique_combination: {{columns: {key}}}
""", encoding="utf-8")
    (project / "tests" / "dbt" / "values" / "assert_probe_warn.sql").write_text(
        "{{ config(severity='warn') }}\nselect * from {{ ref('probe_grades') }}\n"
        "where {{ changed_students_tested('student_id') }} and false\n", encoding="utf-8")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    database = run_dir / WAREHOUSE_NAME
    shutil.copy2(published_mini.warehouse, database)

    def compiled() -> dict[str, str]:
        env = {**os.environ, "REGISTRAR_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        done = subprocess.run(
            [dbt_executable(), "--no-use-colors", "compile", "--select", "probe_grades", "probe_grades_whole",
             "assert_academic_gpa_recomputes_from_grades", "assert_academic_grades_map_to_one_scale_row",
             "--project-dir", str(project), "--profiles-dir", str(project),
             "--target-path", str(run_dir / "target"), "--log-path", str(run_dir / "logs")],
            cwd=project, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout[-4000:]
        manifest = json.loads((run_dir / "target" / "manifest.json").read_text(encoding="utf-8"))
        return {n["name"]: n.get("compiled_code") or "" for n in manifest["nodes"].values()
                if n["resource_type"] == "test" and n.get("compiled_code")}

    con = duckdb.connect(str(database))
    con.execute(f"create or replace table {incremental.CHANGED_STUDENTS} as select 'S0001' as student_id")
    con.close()
    nightly = compiled()
    reads = {name: code.count(incremental.CHANGED_STUDENTS) for name, code in nightly.items()}
    whole = "unique_combination_probe_grades_whole_student_id__discipline_code__academic_year__term__attempt"
    assert reads == {
        "unique_combination_probe_grades_student_id__discipline_code__academic_year__term__attempt": 2,
        "unique_combination_probe_grades_attempt__student_id__discipline_code__academic_year__term": 0,  # warn
        "unique_combination_probe_grades_discipline_code__academic_year__term__attempt": 0,  # key across students
        "not_null_probe_grades_student_id": 1,
        "relationships_probe_grades_student_id__student_id__ref_dim_students_": 1,  # dim_students read whole
        whole: 0,  # not per student
        "assert_probe_warn": 0,  # warn
        "assert_academic_gpa_recomputes_from_grades": 2,
        "assert_academic_grades_map_to_one_scale_row": 1,
    }
    assert "attempt = 1" in nightly["not_null_probe_grades_student_id"]  # the test's own where still holds

    con = duckdb.connect(str(database))
    con.execute(f"drop table {incremental.CHANGED_STUDENTS}")
    con.close()
    assert not any(incremental.CHANGED_STUDENTS in code for code in compiled().values())  # no list: every row


def test_a_per_student_relationship_points_where_an_unchanged_student_keeps_the_key(published_mini: Home) -> None:
    """A relationships test of a per-student relation reads its own rows of the changed students only and the
    other side whole (rules C8): the other side must give an unchanged student the same keys as last night,
    as the student's own row in dim_students and the reference files in dim_programs and dim_disciplines do."""
    manifest = _manifest(published_mini)
    per_student = _per_student_nodes(manifest)
    assert len(per_student) == 42
    parents = {n["test_metadata"]["kwargs"]["to"] for n in manifest["nodes"].values()
               if n["resource_type"] == "test" and n.get("attached_node") in per_student
               and n.get("test_metadata", {}).get("name") == "relationships"}
    assert parents == {"ref('dim_students')", "ref('dim_programs')", "ref('dim_disciplines')"}
