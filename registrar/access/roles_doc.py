"""The role tables of docs/access.md, written from roles.py so that the documentation cannot drift
from what the code enforces.

    python -m registrar.access.roles_doc          # rewrite the tables between their markers
    python -m registrar.access.roles_doc --check  # exit 1 when a file's tables differ (the test does this)

Each table sits between `<!-- roles:<table>:begin -->` and `<!-- roles:<table>:end -->` in every
file of FILES that has the markers.
"""

from __future__ import annotations

import argparse
import re
import sys

from policy import dbt_vars
from registrar.access.roles import PAGES, ROLE_TABLE, Role
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR

FILES = (PROJECT_DIR / "docs" / "access.md", PROJECT_DIR / "README.md")

_FACULTIES = {"all": "every faculty", "assigned": "own faculties", "advisees": "own advisees only"}


def _row(label: str, cells: list[str]) -> str:
    return "| " + " | ".join([label, *cells]) + " |"


def _table(first: str, rows: list[tuple[str, list[str]]]) -> str:
    roles = list(ROLE_TABLE)
    lines = [_row(first, roles), "|" + "---|" * (len(roles) + 1)]
    return "\n".join(lines + [_row(label, cells) for label, cells in rows])


def pages_table() -> str:
    """Which role opens which page."""
    return _table("page", [(t(f"page_{page}", "en"), ["yes" if page in r.pages else "—" for r in ROLE_TABLE.values()])
                           for page in PAGES])


def _cells(role: Role) -> str:
    minimum = int(dbt_vars()["privacy_min_cell_students"])
    return (f"only published tables (rpt_viewer_*): blank (—) under {minimum} students, with the cells that "
            "would give one back, decided over all the tables' margins" if role.suppress_small_cells else "shown")


def rules_table() -> str:
    """What each role sees on the pages it opens."""
    roles = list(ROLE_TABLE.values())
    return _table("what", [
        ("faculties and students", [_FACULTIES[r.faculties] for r in roles]),
        ("full name, IIN, birth date", ["shown" if r.personal_data else "`***`" for r in roles]),
        ("rows about single students (debtors, final results, mismatches)",
         ["listed" if r.individuals else "none" for r in roles]),
        ("aggregate cells of few students", [_cells(r) for r in roles]),
        ("upload extracts, refresh, publish past the guard, roll back (Data refresh page)",
         ["yes" if r.refresh else "—" for r in roles]),
    ])


TABLES = {"pages": pages_table, "rules": rules_table}


def render(text: str) -> str:
    """`text` with every marked table replaced by the table roles.py gives."""
    for name, make in TABLES.items():
        pattern = re.compile(rf"(<!-- roles:{name}:begin -->\n)(?:.*?\n)?(<!-- roles:{name}:end -->)", re.S)
        made = make()
        text = pattern.sub(lambda m, made=made: m.group(1) + made + "\n" + m.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m registrar.access.roles_doc", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when a table differs")
    args = parser.parse_args(argv)
    stale = []
    for path in (p for p in FILES if p.exists()):
        text = path.read_text(encoding="utf-8")
        wanted = render(text)
        if wanted != text:
            stale.append(path)
            if not args.check:
                path.write_text(wanted, encoding="utf-8")
    if args.check and stale:
        print("role tables differ from registrar/access/roles.py in: " + ", ".join(map(str, stale))
              + "\nrun: python -m registrar.access.roles_doc", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
