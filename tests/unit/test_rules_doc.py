"""docs/rules.md is the one rules document of the project: every rule ID the code cites
resolves there, every var and seed is described there, the tables it names exist, and no
file points at a rules document outside the repository.

A **citation** is one of (each standing alone, not inside a longer word or number):

- a rule ID: A, B or C and a number 1-99 without a leading zero — `B6`, `rules A4`,
  `docs/rules.md B12`; programme-group and discipline codes such as `B077`,
  `6B08101` or `PRA1104` are not citations;
- a range of rule IDs, `B6-B8` or `B6–8`, which cites B6, B7 and B8;
- a statute clause: three dot-separated numbers, the first 1-99, the others at most two
  digits, not inside a longer dotted number, a quoted version string or a date —
  `4.1.16`, `(statute 4.1.16)`.

An ID resolves when docs/rules.md has a heading that begins with it and, right above
that heading, the anchor `<a id="ID"></a>`, so `docs/rules.md#B6` links to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy import PROJECT_DIR, SEEDS_DIR, dbt_vars, settings

RULES_DOC = PROJECT_DIR / "docs" / "rules.md"

# Where code cites rules: the dbt project, the Python packages, the quality suites, the tests and the
# documents (README, docs/, the bench's README; not its generated results, whose version numbers read as
# clauses). Not cited there: the test extracts (data, not text), this module (its examples include a
# malformed range) and the rules document itself (it quotes its sources' clauses, e.g. KazNU 2.17.6).
CITING = ("models", "macros", "seeds", "tests", "extract", "registrar", "dashboards", "policy", "demo",
          "expectations", "dbt_project.yml", "README.md", "docs", "bench/README.md")
NOT_CITING = (PROJECT_DIR / "tests" / "fixtures", Path(__file__).resolve(), RULES_DOC)
TEXT_SUFFIXES = {".sql", ".yml", ".yaml", ".py", ".csv", ".md", ".json", ".toml", ".txt"}
# Folders that are not the project's own text: environments, build output, data.
NOT_SOURCE = {".git", ".venv", "target", "logs", "dbt_packages", "data", "__pycache__", ".pytest_cache",
              ".ruff_cache", "node_modules"}

CITATION = re.compile(
    r"(?<![\w.])(?P<letter>[ABC])(?P<first>[1-9][0-9]?)"
    r"(?:\s?[-–]\s?(?P<letter2>[ABC])?(?P<last>[1-9][0-9]?))?(?!\w)"
    r"|(?<![\w.\"'=<>~@/-])(?P<clause>[1-9][0-9]?\.[0-9]{1,2}\.[0-9]{1,2})(?!\w|\.[0-9])"
)
HEADING_ID = re.compile(r"^#{2,4} (?P<id>[ABC][1-9][0-9]?|[1-9][0-9]?\.[0-9]{1,2}\.[0-9]{1,2})\.? ", re.M)
ANCHOR = re.compile(r'^<a id="(?P<id>[^"]+)"></a>\n(?P<heading>#{2,4} .*)$', re.M)
# The document outside the repository the citations used to point at.
OUTSIDE_DOC = re.compile(r"registrar-rules\.md|shared[/]domain[/]")
MODEL_NAME = re.compile(r"(?<![\w.])(?:stg|int|fct|dim|rpt|qc)_[a-z0-9_]*[a-z0-9](?![\w*])")
SINGULAR_TEST_NAME = re.compile(r"(?<![\w.])assert_[a-z0-9_]*[a-z0-9](?![\w*])")


def cited_ids(text: str) -> list[str]:
    """Every rule ID and statute clause a text cites, ranges expanded, in order."""
    ids: list[str] = []
    for m in CITATION.finditer(text):
        if m["clause"]:
            ids.append(m["clause"])
            continue
        letter, first = m["letter"], int(m["first"])
        last = int(m["last"] or first)
        if (m["letter2"] or letter) != letter or last < first:
            raise ValueError(f"malformed rule range {m[0]!r}")
        ids += [f"{letter}{n}" for n in range(first, last + 1)]
    return ids


def source_files(roots: tuple[str, ...]) -> Iterator[Path]:
    """The text files under the given folders (or files) of the project."""
    for root in roots:
        path = PROJECT_DIR / root
        candidates = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for p in candidates:
            rel = p.relative_to(PROJECT_DIR)
            generated = NOT_SOURCE.intersection(rel.parts) or any(part.endswith(".egg-info") for part in rel.parts)
            if p.is_file() and p.suffix in TEXT_SUFFIXES and not generated:
                yield p


def citations() -> dict[str, list[str]]:
    """Rule ID → the places (file:line) that cite it."""
    found: dict[str, list[str]] = {}
    for path in source_files(CITING):
        if any(path == skip or skip in path.parents for skip in NOT_CITING):
            continue
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for rule_id in cited_ids(line):
                found.setdefault(rule_id, []).append(f"{path.relative_to(PROJECT_DIR)}:{line_no}")
    return found


def doc_text() -> str:
    return RULES_DOC.read_text(encoding="utf-8")


def anchored_ids(text: str) -> set[str]:
    """IDs with a heading that begins with the ID and the anchor of the same ID right above it."""
    ids = set()
    for m in ANCHOR.finditer(text):
        heading = HEADING_ID.match(m["heading"] + " ")
        if heading and heading["id"] == m["id"]:
            ids.add(m["id"])
    return ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules B3", ["B3"]),
        ("docs/rules.md B6-B8 and A4", ["B6", "B7", "B8", "A4"]),
        ("docs/rules.md B6–8", ["B6", "B7", "B8"]),
        ("# B4/B5: letters", ["B4", "B5"]),
        ("rules B1-B9, A3-A5, statute 4.1.16.", ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9",
                                                 "A3", "A4", "A5", "4.1.16"]),
        ("(4.1.16)", ["4.1.16"]),
        ("rule: 4.1.16, label_en: Credits differ", ["4.1.16"]),
        ("see C2.", ["C2"]),
        # codes and numbers that are not citations
        ("program_group B077, programme 6B08101, discipline PRA1104", []),
        ('version: "0.1.0"; birth_date 31.02.2005; dbt-core==1.11.1', []),
        ("letters A-, B+, C+ and FX; 18 / 11 = 1.64", []),
    ],
)
def test_the_citation_pattern(text: str, expected: list[str]) -> None:
    assert cited_ids(text) == expected


def test_a_malformed_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="B8-B6"):
        cited_ids("rules B8-B6")


def test_every_rule_heading_has_its_anchor_and_each_id_is_used_once() -> None:
    text = doc_text()
    headings = [m["id"] for m in HEADING_ID.finditer(text)]
    anchors = [m["id"] for m in ANCHOR.finditer(text)]
    assert len(headings) == len(set(headings)), "an ID heads two sections"
    assert sorted(headings) == sorted(anchors), "each rule heading needs <a id=\"ID\"></a> on the line above"
    assert anchored_ids(text) == set(headings)


def test_every_cited_rule_resolves_in_the_rules_document() -> None:
    found = citations()
    assert found, "no citations found: the scan or the pattern is broken"
    missing = {rule_id: places for rule_id, places in found.items() if rule_id not in anchored_ids(doc_text())}
    assert not missing, "cited but not a section of docs/rules.md:\n" + "\n".join(
        f"  {rule_id}: {', '.join(places[:5])}" for rule_id, places in sorted(missing.items()))


def test_every_var_is_documented() -> None:
    text = doc_text()
    undocumented = [name for name in dbt_vars() if f"`{name}`" not in text]
    assert not undocumented, f"vars of dbt_project.yml not described in docs/rules.md: {undocumented}"


def test_every_setting_is_documented() -> None:
    text = doc_text()
    undocumented = [name for name in settings() if f"`{name}`" not in text]
    assert not undocumented, f"settings of settings.yml not described in docs/rules.md: {undocumented}"


def test_no_setting_is_also_a_var() -> None:
    """Each value is set once: a setting (no model reads it) or a var (the models read it)."""
    assert not set(settings()) & set(dbt_vars()), set(settings()) & set(dbt_vars())


def test_every_seed_is_documented() -> None:
    text = doc_text()
    undocumented = [p.name for p in sorted(SEEDS_DIR.glob("*.csv")) if f"`seeds/{p.name}`" not in text]
    assert not undocumented, f"seeds not described in docs/rules.md: {undocumented}"


def test_the_tables_and_tests_the_document_names_exist() -> None:
    text = doc_text()
    models = {p.stem for p in (PROJECT_DIR / "models").rglob("*.sql")}
    singular = {p.stem for p in (PROJECT_DIR / "tests" / "dbt").rglob("*.sql")}
    missing = sorted(set(MODEL_NAME.findall(text)) - models) + sorted(set(SINGULAR_TEST_NAME.findall(text)) - singular)
    assert not missing, f"docs/rules.md names models or tests that do not exist: {missing}"


def test_no_file_points_at_the_rules_document_outside_the_repository() -> None:
    # A fresh clone has no document outside the repository: every rules link must resolve inside it.
    top_level = tuple(p.name for p in sorted(PROJECT_DIR.iterdir()) if p.name not in NOT_SOURCE)
    offenders = [
        f"{path.relative_to(PROJECT_DIR)}:{line_no}"
        for path in source_files(top_level)
        for line_no, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1)
        if OUTSIDE_DOC.search(line)
    ]
    assert not offenders, "point these at docs/rules.md instead:\n" + "\n".join(f"  {o}" for o in offenders)
