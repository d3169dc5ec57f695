"""The refresh's bookkeeping: what it publishes, logs and archives, and that a re-run
of the same extracts gives identical tables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from extract.contract import ENTITIES
from registrar.common.paths import Home
from registrar.pipeline.refresh import refresh
from tests.support.extracts import MINI, quiet
from tests.support.homes import copy_home

pytestmark = pytest.mark.xdist_group("mini_refresh")


def test_published_warehouse_holds_staging_seeds_and_meta(published_mini: Home) -> None:
    con = duckdb.connect(str(published_mini.warehouse), read_only=True)
    listed = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    tables = set(listed)
    for ent in ENTITIES:
        assert ("raw", ent.name) in tables
        assert ("staging", f"stg_ais__{ent.name}") in tables
        # the views still resolve after the file moved from its run folder
        con.execute(f"select count(*) from staging.stg_ais__{ent.name}").fetchone()
    assert ("reference", "grade_scale") in tables
    run_id, = con.execute("select run_id from meta.refresh").fetchone()
    statuses = dict(con.execute("select status, count(*) from meta.quality_checks group by 1").fetchall())
    con.close()
    assert statuses.get("pass", 0) > 50 and statuses.get("fail", 0) == 0
    report = json.loads(published_mini.quality_report.read_text(encoding="utf-8"))
    assert report["counts"]["fail"] == 0


def test_load_log_and_archive_keep_what_was_loaded(published_mini: Home) -> None:
    entries = [json.loads(line) for line in published_mini.load_log.read_text(encoding="utf-8").splitlines()]
    published = [e for e in entries if e["outcome"] == "published"]
    assert published, entries
    entry = published[-1]
    # the mini university has no optional file (the diploma register, the blank journal): none is archived
    assert {f["file"] for f in entry["files"]} == {f"{e.name}.csv" for e in ENTITIES if e.required}
    assert entry["row_counts"]["grades"] == 8
    assert all(len(f["sha256"]) == 64 for f in entry["files"])
    archived = published_mini.archive / entry["run_id"]
    manifest = json.loads((archived / "manifest.json").read_text(encoding="utf-8"))
    for f in manifest["files"]:
        assert (archived / f["file"]).read_bytes() == (MINI / f["file"]).read_bytes()
    assert not (published_mini.runs / entry["run_id"]).exists()  # a published run leaves no build files


def _snapshot(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    names = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema not in ('meta') order by 1"
    ).fetchall()
    out = {n: con.execute(f"select * from {n} order by all").fetchall() for (n,) in names}
    con.close()
    return out


def test_rerun_of_the_same_extracts_gives_identical_tables(tmp_path: Path, published_mini: Home) -> None:
    """Also with dbt's parsed project kept from the first refresh, as every later refresh of a home has it.

    The same files give the same warehouse (issue 20): every table alike, and every mart and report
    (`dim_`, `fct_`, `rpt_`) alike by EXCEPT ALL both ways as bench/compare_marts.py compares them,
    list columns as they are (no `--sort-lists`): a list aggregated in no order would differ."""
    from bench.compare_marts import compare, report

    first = _snapshot(published_mini.warehouse)
    assert published_mini.dbt_parse_cache.exists()
    home = Home(tmp_path / "again")
    home.root.mkdir()
    shutil.copyfile(published_mini.dbt_parse_cache, home.dbt_parse_cache)
    refresh(MINI, home, quiet)
    assert _snapshot(home.warehouse) == first
    marts = compare(published_mini.warehouse, home.warehouse)
    assert {"dim_students", "fct_attestation_breakdown", "rpt_academic_debtors"} <= {r.name for r in marts}
    assert all(r.identical and not r.only_in_baseline and not r.only_in_candidate for r in marts), report(marts)


def test_missing_extract_folder_is_a_clear_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from registrar.cli import main

    monkeypatch.setenv("REGISTRAR_HOME", str(tmp_path / "home"))
    assert main(["refresh", str(tmp_path / "nowhere")]) == 1
    assert "not a folder of extracts" in capsys.readouterr().err


def test_docs_site_is_generated_from_the_published_warehouse(published_mini: Home) -> None:
    from registrar.pipeline.docs import generate_docs

    site = generate_docs(published_mini, quiet)
    html = site.read_text(encoding="utf-8")
    assert "stg_ais__grades" in html and "grade_scale" in html


def test_an_error_level_expectation_blocks_the_publish(
    mini_dir: Path, tmp_path: Path, published_mini: Home, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Results without registrations break the error-level suite group_enrolments: no publish."""
    from registrar.cli import main
    from tests.support.extracts import edit_rows, file_digest

    # The group's botany registrations go missing; its grade rows stay.
    edit_rows(mini_dir / "enrollments.csv", lambda rows: [r for r in rows if r["discipline_code"] != "BOT1102"])
    home = copy_home(published_mini, tmp_path / "home")  # its failed refresh is logged in its own home
    before = file_digest(home.warehouse)
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    assert main(["refresh", str(mini_dir)]) == 1
    err = capsys.readouterr().err
    assert "FAIL [great_expectations/error] group_enrolments: every group with results has registrations" in err
    assert "2024-2025 | 1 | BOT1102 | АГР-24-1" in err
    assert "quality checks failed; the published warehouse is unchanged" in err
    assert file_digest(home.warehouse) == before


