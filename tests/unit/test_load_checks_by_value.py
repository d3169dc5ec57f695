"""The loader's column and key checks give exactly the defects of checking every row.

`Validator.check_entity` judges a column rule once per distinct value of its column and lists rows only
for the rules some value breaks, and asks whether a key repeats of a hash of the key first. Here its
defects (file, row, column, value, rule, count of the rest) are compared with the plain reading of the
rules: every rule listed from every row of the landed table, every key repeat ranked.
"""

from __future__ import annotations

import random

import duckdb
import pytest

from extract.contract import entity
from extract.validate import LANDING_SCHEMA, Check, Validator, column_checks, landed_table, text_expr

# values per grades column: good ones, and ones that break a rule (empty, padded, wrong type, out of
# range, wrong format, wrong case, an unknown code); few of each, so values repeat as in a real file
VALUES = {
    "student_id": ["S1", "S2", " S1", "S1 ", "", " ", "S3"],
    "discipline_code": ["D1", "D2", "d1", "", "D1 "],
    "academic_year": ["2024-2025", "2024-2026", "24-25", "", " 2024-2025 ", "2025-2026"],
    "term": ["1", "2", "SUMMER", "summer", "winter", "", " 2"],
    "attempt": ["1", "2", "0", "11", "x", "", " 1"],
    "rk1": ["50", "50,5", "100.1", "-1", "abc", ""],
    "rk2": ["70", "99.99", "101", ""],
    "exam": ["", "80", "1e2", "100", "100,01"],
    "graded_on": ["", "2025-01-20", "20.01.2025", "31.02.2025", "2025/01/20"],
}


def _plain(con: duckdb.DuckDBPyConnection, file: str, columns: list[str]) -> Validator:
    """Every rule of grades listed from every row, every key repeat ranked (no shortcut)."""
    ent = entity("grades")
    plain = Validator(con)
    present = set(columns)  # every column of grades: no header defect
    table = landed_table(ent.name)
    for col in ent.columns:
        for check in column_checks(col, col.name in present):
            plain._collect(file, check, table)
    keys = ", ".join(text_expr(k) for k in ent.key)
    shown = " || ' | ' || ".join(f"coalesce({text_expr(k)}, '')" for k in ent.key)
    dup = (f"(select _row, {shown} as key_text, count(*) over (partition by {keys}) as n_same, "
           f"row_number() over (partition by {keys} order by try_cast(_row as bigint)) as nth from {table})")
    rule = f"unique key ({', '.join(ent.key)}): the same key is on an earlier row"
    plain._collect(file, Check(", ".join(ent.key), rule, "n_same > 1 and nth > 1", "key_text"), dup)
    return plain


@pytest.mark.parametrize("seed", range(12))
def test_checks_by_distinct_value_give_the_defects_of_every_row(seed: int) -> None:
    rng = random.Random(seed)
    columns = list(VALUES)
    rows = (3, 40, 700)[seed // 3 % 3]  # 700: some rules break on more than 200 rows, so the rest is counted
    clean = seed % 3 == 0  # a clean file: no rule broken, no key repeated
    con = duckdb.connect()
    con.execute(f"create schema {LANDING_SCHEMA}")
    con.execute(f"create table {landed_table('grades')} as select * from (values "
                + ", ".join("(" + ", ".join("?" for _ in range(len(columns) + 1)) + ")" for _ in range(rows))
                + ") t(_row, " + ", ".join(columns) + ")",
                [v for r in range(rows) for v in [
                    str(r + 2),
                    *([f"S{r}", "D1", "2024-2025", "1", "1", "50", "60", "70", "2025-01-20"] if clean
                      else [rng.choice(VALUES[c]) for c in columns])]])
    checked = Validator(con)
    checked.check_entity(entity("grades"), "grades.csv", columns)
    plain = _plain(con, "grades.csv", columns)
    assert checked.defects == plain.defects
    assert bool(checked.defects) != clean
    assert any(d.count > 1 for d in checked.defects) == (rows == 700 and not clean)


@pytest.mark.parametrize("seed", range(6))
def test_a_reference_asked_of_distinct_values_gives_the_defects_of_every_row(seed: int) -> None:
    """`Validator.check_reference` asks whether any distinct value is missing before it lists rows: the
    same defects as listing every row whose value the referenced file lacks."""
    rng = random.Random(seed)
    rows = (5, 700)[seed % 2]
    clean = seed < 2
    known = ["S1", "S2", "S3"]
    values = known if clean else [*known, " S1", "S9", "", " ", "s1"]
    con = duckdb.connect()
    con.execute(f"create schema {LANDING_SCHEMA}")
    con.execute(f"create table {landed_table('students')} as select * from (values "
                + ", ".join("(?, ?)" for _ in known) + ") t(_row, student_id)",
                [v for i, s in enumerate(known) for v in (str(i + 2), s)])
    con.execute(f"create table {landed_table('grades')} as select * from (values "
                + ", ".join("(?, ?)" for _ in range(rows)) + ") t(_row, student_id)",
                [v for r in range(rows) for v in (str(r + 2), rng.choice(values) if r or clean else "S9")])
    grades = entity("grades")
    checked = Validator(con)
    checked.check_reference(grades, "grades.csv", grades.column("student_id"))
    plain = Validator(con)
    raw = text_expr("student_id")
    plain._collect("grades.csv", Check("student_id", "reference: must exist in students.student_id", "true", "v"),
                   f"(select t._row, {raw} as v from {landed_table('grades')} t anti join "
                   f"(select distinct {raw} as k from {landed_table('students')}) r on {raw} = r.k "
                   f"where {raw} is not null)")
    assert checked.defects == plain.defects
    assert bool(checked.defects) != clean
