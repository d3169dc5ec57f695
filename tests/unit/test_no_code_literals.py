"""No grade letter, status, funding, movement or other seed code is written as a literal in the
Python of dashboards/ and registrar/: which codes mean what is read from the seeds (their flag
columns) or from the marts, so a university that changes a seed changes no Python.

What counts as a literal, precisely:
- a Python string constant (a whole string, or a constant part of an f-string) equal to a code, e.g.
  `"FX"`, `'state_grant'` (docstrings are left out: they describe, they do not decide);
- inside any other Python string (SQL text), a single-quoted SQL string equal to a code, e.g.
  `"... where status = 'active'"`.
A code is a value of one of the seed columns of CODE_COLUMNS (or the var letter_pass). Language
codes (study_languages: kk, ru, en) and term codes (1, 2, summer) are not checked: they are also the
interface's language codes and plain numbers. A few codes are also plain words of the code's own
vocabulary; NOT_CODES lists each such word with the file it is used in and what it means there, so
the same word anywhere else, or another code in that file, still fails.

The models' SQL is scanned by the same rule in `test_code_literals_left_in_models` (hits listed, not
yet enforced: see its docstring).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from policy import codes, dbt_vars
from registrar.common.paths import PROJECT_DIR
from tests.support.python_source import docstring_ids

# seed → the column holding its codes
CODE_COLUMNS = {
    "grade_scale": "letter_grade",
    "contingent_statuses": "status",
    "fundings": "funding",
    "movement_types": "movement",
    "movement_reasons": "reason",
    "study_forms": "study_form",
    "study_levels": "level",
    "traditional_grades": "traditional_grade",
    "recognition_issue_types": "issue_code",
}
PYTHON_DIRS = ("dashboards", "registrar")
# (file, word) → what the word means there: a word of the code, not a seed's code
NOT_CODES = {
    ("registrar/reports/pdf.py", "B"): "fpdf's bold font style",
    ("registrar/reports/pdf.py", "C"): "fpdf's centred alignment",
    ("registrar/reports/pdf.py", "F"): "fpdf's fill style (the bars of a chart)",
    ("dashboards/queries/attestation.py", "discipline"): "the page's discipline dimension",
    ("dashboards/views/attestation.py", "discipline"): "the page's discipline dimension",
    ("registrar/reports/library/transcript.py", "discipline"): "a column's translation key (transcript_col_)",
    ("registrar/pipeline/checks.py", "pass"): "a check's outcome (pass, warn, fail)",
    ("registrar/pipeline/quality.py", "pass"): "a check's outcome (pass, warn, fail)",
    ("registrar/pipeline/refresh.py", "pass"): "a check's outcome (pass, warn, fail)",
    ("registrar/pipeline/expectations.py", "pass"): "a check's outcome (pass, warn, fail)",
    ("registrar/pipeline/history.py", "pass"): "a check's outcome (pass, warn, fail)",
    ("dashboards/views/status.py", "pass"): "a check's outcome (pass, warn, fail)",
    ("dashboards/views/home.py", "pass"): "a check's outcome (pass, warn, fail)",
}
SQL_QUOTED = re.compile(r"'((?:[^']|'')*)'")
SQL_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/|\{#.*?#\}", re.S)


def seed_codes() -> dict[str, str]:
    """Every code → the seed it comes from."""
    found = {code: seed for seed, column in CODE_COLUMNS.items() for code in codes(seed, column)}
    found[str(dbt_vars()["letter_pass"])] = "var letter_pass"
    return found


def python_hits(source: str, known: dict[str, str]) -> list[tuple[int, str, str]]:
    """(line, literal, seed) of each code written as a literal in Python `source`."""
    tree = ast.parse(source)
    skip = docstring_ids(tree)
    hits = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
            continue
        text = node.value
        if text in known:
            hits.append((node.lineno, repr(text), known[text]))
            continue
        for quoted in SQL_QUOTED.findall(text):
            if quoted in known:
                hits.append((node.lineno, f"'{quoted}'", known[quoted]))
    return hits


def sql_hits(source: str, known: dict[str, str]) -> list[tuple[int, str, str]]:
    """(line, literal, seed) of each code written as a quoted SQL string in a model's SQL."""
    text = SQL_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    hits = []
    for match in SQL_QUOTED.finditer(text):
        if match.group(1) in known:
            hits.append((text.count("\n", 0, match.start()) + 1, match.group(0), known[match.group(1)]))
    return hits


def python_files() -> list[Path]:
    return sorted(p for d in PYTHON_DIRS for p in (PROJECT_DIR / d).rglob("*.py"))


def model_files() -> list[Path]:
    return sorted((PROJECT_DIR / "models").rglob("*.sql"))


def test_the_rule_finds_what_it_should_and_only_that() -> None:
    known = {"FX": "grade_scale", "active": "contingent_statuses", "state_grant": "fundings"}
    planted = '"""Docstring naming \'active\' and FX."""\nx = "FX"\ny = f"a {x} \'active\'"\n' \
              'z = "select * from t where funding = \'state_grant\'"\nw = "FXS"\n'
    assert sorted((line, lit) for line, lit, _ in python_hits(planted, known)) == [
        (2, "'FX'"), (3, "'active'"), (4, "'state_grant'")]
    sql = "-- 'active' in a comment\nselect 1 where status = 'active' and x = 'activex'\n"
    assert [(line, lit) for line, lit, _ in sql_hits(sql, known)] == [(2, "'active'")]


def test_the_seeds_give_the_codes_the_test_looks_for() -> None:
    known = seed_codes()
    for code in ("FX", "F", "A-", "active", "expelled", "state_grant", "paid", "admission", "full_time"):
        assert code in known, code


def _relative(path: Path) -> str:
    return path.relative_to(PROJECT_DIR).as_posix()


@pytest.mark.parametrize("path", python_files(), ids=_relative)
def test_no_code_is_a_literal_in_python(path: Path) -> None:
    known = {code: seed for code, seed in seed_codes().items() if (_relative(path), code) not in NOT_CODES}
    hits = python_hits(path.read_text(encoding="utf-8"), known)
    assert not hits, f"{_relative(path)}: codes written as literals (line, literal, seed): {hits}"


def test_every_exemption_is_still_needed() -> None:
    """An exemption whose file no longer uses the word is removed, so the list does not grow stale."""
    stale = [(name, word) for name, word in NOT_CODES
             if not (PROJECT_DIR / name).is_file()
             or not python_hits((PROJECT_DIR / name).read_text(encoding="utf-8"), {word: "-"})]
    assert not stale, f"NOT_CODES entries no file needs: {stale}"


def test_code_literals_left_in_models() -> None:
    """The same rule over the models' SQL finds only the literals known today (the pass letter's
    traditional grade 'pass' in the two scoring models, and the recognition checks naming the codes of
    seeds/recognition_issue_types.csv they produce); a new one fails here."""
    known = seed_codes()
    found = {(_relative(p), lit) for p in model_files() for _, lit, _ in sql_hits(p.read_text(encoding="utf-8"), known)}
    issue_codes = {f"'{c}'" for c in codes("recognition_issue_types", "issue_code")}
    allowed = {("models/intermediate/academic/int_grades_scored.sql", "'pass'"),
               ("models/intermediate/academic/int_recognitions_checked.sql", "'pass'")}
    allowed |= {(m, c) for m in ("models/intermediate/academic/int_recognitions_checked.sql",
                                 "models/reports/academic/rpt_recognition_protocol_issues.sql") for c in issue_codes}
    assert found <= allowed, f"new code literals in models: {sorted(found - allowed)}"
