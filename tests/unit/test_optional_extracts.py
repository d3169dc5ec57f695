"""The two optional extract files (the diploma register and the blank journal, rules B32) on load: left out,
each is an empty table typed as the contract says, so the dbt sources exist and nothing else changes; given,
they load, and their row rules and seed codes name file, row, column, value and rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from extract.contract import ENTITIES
from extract.load import SOURCE_ROW_COLUMN, load_extracts
from extract.validate import RAW_TYPES
from tests.support.extracts import MINI

OPTIONAL = [e for e in ENTITIES if not e.required]


def _load(extracts: Path, work: Path) -> tuple[duckdb.DuckDBPyConnection, object]:
    con = duckdb.connect()
    return con, load_extracts(extracts, con, work)


def test_the_optional_files_are_the_register_and_the_journal() -> None:
    assert [e.name for e in OPTIONAL] == ["diplomas", "blank_movements"]


def test_left_out_each_is_an_empty_table_of_the_contract_s_columns_and_types(tmp_path: Path) -> None:
    con, result = _load(MINI, tmp_path / "work")
    assert result.ok, [str(d) for d in result.defects]
    assert {f.entity for f in result.files} == {e.name for e in ENTITIES if e.required}
    assert set(result.row_counts) == {e.name for e in ENTITIES if e.required}  # meta.refresh as before
    for ent in OPTIONAL:
        columns = con.execute("select column_name, data_type from information_schema.columns "
                              "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                              [ent.name]).fetchall()
        assert columns == [(c.name, RAW_TYPES[c.kind].upper()) for c in ent.columns] + [(SOURCE_ROW_COLUMN, "INTEGER")]
        assert con.execute(f"select count(*) from raw.{ent.name}").fetchone()[0] == 0


def test_given_they_load_and_their_rules_name_file_row_column_and_rule(tmp_path: Path) -> None:
    extracts = tmp_path / "extracts"
    shutil.copytree(MINI, extracts)
    (extracts / "diplomas.csv").write_text(
        "student_id,kind,series,number,issued_on,honours,duplicate_of\n"
        "S0001,diploma,ЖБ-Б,0000005,2025-06-01,да,\n"
        "S0001,diploma,ЖБ-Б,0000006,2025-06-05,,6\n"  # a duplicate of itself
        "S0002,certificate,ЖБ-Б,0000007,2025-06-05,,\n", encoding="utf-8")
    (extracts / "blank_movements.csv").write_text(
        "kind,series,number_from,number_to,movement,moved_on,document\n"
        "diploma,ЖБ-Б,0000001,0000010,received,2025-05-15,ЖҚ-1\n"
        "diploma,ЖБ-Б,0000009,0000008,spoiled,2025-05-20,Акт-1\n", encoding="utf-8")
    con, result = _load(extracts, tmp_path / "work")
    found = {(d.file, d.row, d.column, d.value, d.rule.split(":")[0].split(" (")[0]) for d in result.defects}
    assert found == {
        ("diplomas.csv", 3, "duplicate_of", "6", "duplicate_of is not the document's own number"),
        ("diplomas.csv", 4, "kind", "certificate", "code not in seed diploma_kinds"),
        ("blank_movements.csv", 3, "number_to", "0000008", "number_to is not below number_from"),
    }

    (extracts / "diplomas.csv").write_text(
        "student_id,kind,series,number,issued_on,honours,duplicate_of\n"
        "S0001,diploma,ЖБ-Б,0000005,2025-06-01,да,\n", encoding="utf-8")
    (extracts / "blank_movements.csv").write_text(
        "kind,series,number_from,number_to,movement,moved_on,document\n"
        "diploma,ЖБ-Б,0000001,0000010,received,2025-05-15,ЖҚ-1\n", encoding="utf-8")
    con, result = _load(extracts, tmp_path / "work2")
    assert result.ok, [str(d) for d in result.defects]
    assert con.execute("select number, honours, duplicate_of from raw.diplomas").fetchall() == [("0000005", True, None)]
    assert result.row_counts["blank_movements"] == 1
