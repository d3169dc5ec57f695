"""No SQL in the Python of dashboards/ and registrar/ reads a seed (`reference.<seed>`): the marts and
reports carry every label as `<thing>_label_kk/_ru/_en` and every seed flag the pages need
(is_studying, is_enrolled, counts_in_headcount, counts_as_quality, sort orders) as columns, and the
Python picks the column for the language (issue 19, point 3: one way for labels, no seed logic in
Python). A label or flag a page needs is added to the model it reads, with macro code_label_columns.

What counts as a read: `reference.` followed by a name, inside a Python string (SQL text, or a constant
part of an f-string), docstrings left out (they describe, they do not read).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from registrar.common.paths import PROJECT_DIR
from tests.support.python_source import docstring_ids

PYTHON_DIRS = ("dashboards", "registrar")
SEED_READ = re.compile(r"(?<![\w.])reference\.[a-z_][a-z0-9_]*", re.I)


def seed_reads(source: str) -> list[tuple[int, str]]:
    """(line, `reference.<name>`) of each seed read in the strings of Python `source`."""
    tree = ast.parse(source)
    skip = docstring_ids(tree)
    return [(node.lineno, found) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            for found in SEED_READ.findall(node.value)]


def python_files() -> list[Path]:
    return sorted(p for d in PYTHON_DIRS for p in (PROJECT_DIR / d).rglob("*.py"))


def _relative(path: Path) -> str:
    return path.relative_to(PROJECT_DIR).as_posix()


def test_the_rule_finds_a_planted_read_and_only_that() -> None:
    planted = (
        '"""Labels come from `reference.terms` (a docstring only describes)."""\n'
        'a = "select * from main.dim_students s left join reference.contingent_statuses st on st.status = s.status"\n'
        'b = f"select tm.label_{lang} from main.fct_student_terms f join Reference.terms tm using (term)"\n'
        'c = "select * from main.reference_x, main.rpt_transcript"  # not a seed\n'
        "# a comment naming reference.fundings is no read\n"
    )
    assert seed_reads(planted) == [(2, "reference.contingent_statuses"), (3, "Reference.terms")]


@pytest.mark.parametrize("path", python_files(), ids=_relative)
def test_no_python_sql_reads_a_seed(path: Path) -> None:
    found = seed_reads(path.read_text(encoding="utf-8"))
    assert not found, (f"{_relative(path)} reads seeds (line, relation): {found}; read the label or flag "
                       "column of the mart instead (macro code_label_columns)")
