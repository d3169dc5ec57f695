"""Every link between the project's Markdown documents resolves: the file it names exists, and
the section it names (`#anchor`) is a heading or an `<a id>` of that file. The README sends
a newcomer to docs/*.md, and those documents to each other and to rules.md; a section renamed
or moved must not leave a link pointing at nothing.

Anchors are computed as the forge computes them from a heading: lower case, every character
but letters, digits, spaces, `-` and `_` dropped, spaces turned into `-`, and `-1`, `-2` …
added to a repeated one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policy import PROJECT_DIR

# The project's own documents; not the bench's generated results, nor anything installed or built.
NOT_DOCS = {".git", ".venv", "target", "logs", "dbt_packages", "data", "node_modules", "results", "fixtures"}
LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(?P<text>.+?) *#*$", re.M)
ANCHOR_TAG = re.compile(r'<a id="(?P<id>[^"]+)"></a>')
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def documents() -> list[Path]:
    return sorted(p for p in PROJECT_DIR.rglob("*.md")
                  if not NOT_DOCS.intersection(p.relative_to(PROJECT_DIR).parts))


def slug(heading: str) -> str:
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The section anchors of a Markdown text: its headings' slugs and its `<a id>` tags."""
    found: set[str] = set(ANCHOR_TAG.findall(text))
    seen: dict[str, int] = {}
    for m in HEADING.finditer(FENCE.sub("", text)):
        base = slug(m["text"])
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def broken_links(path: Path) -> list[str]:
    """The links of one document whose file or section does not exist, as `target (why)`."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    broken = []
    for m in LINK.finditer(text):
        target = m["target"]
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: — not checked here
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text(encoding="utf-8")):
            broken.append(f"{target} (no such section)")
    return broken


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("The contract: what dashboards, reports and access read",
         "the-contract-what-dashboards-reports-and-access-read"),
        ("Refreshing the warehouse from real extracts", "refreshing-the-warehouse-from-real-extracts"),
        ("`registrar report` on the command line", "registrar-report-on-the-command-line"),
        ("B30. Who sees what: roles, personal data, small cells, sign-in",
         "b30-who-sees-what-roles-personal-data-small-cells-sign-in"),
    ],
)
def test_the_slug_is_the_forges(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Top\n\n## Two words\n", encoding="utf-8")
    doc = tmp_path / "b.md"
    doc.write_text("[ok](a.md#two-words) [ok](a.md) [ok](#here)\n\n## Here\n"
                   "[gone](missing.md) [no section](a.md#three-words) [no section](#nowhere)\n"
                   "```\n[in a code block](not-checked.md)\n```\n", encoding="utf-8")
    assert broken_links(doc) == ["missing.md (no such file)", "a.md#three-words (no such section)",
                                 "#nowhere (no such section)"]


def test_the_documents_are_found() -> None:
    names = {p.relative_to(PROJECT_DIR).as_posix() for p in documents()}
    assert {"README.md", "docs/operations.md", "docs/access.md", "docs/reports.md", "docs/architecture.md",
            "docs/rules.md", "bench/README.md", "extract/README.md"} <= names


def test_every_link_between_the_documents_resolves() -> None:
    broken = {p.relative_to(PROJECT_DIR).as_posix(): b for p in documents() if (b := broken_links(p))}
    assert not broken, "links to a file or section that does not exist:\n" + "\n".join(
        f"  {doc}: {', '.join(links)}" for doc, links in broken.items())
