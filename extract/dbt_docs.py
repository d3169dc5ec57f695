"""The contract as dbt sees it: the `ais` sources and a docs block per extract column.

`python -m extract.dbt_docs` writes both files from `extract.contract`; `--check` only says
whether the committed files are what it would write (tests/unit/test_generated_docs.py does the
same). The contract states what each extract column means; dbt reads that text through the
docs blocks (`{{ doc("ais__<file>__<column>") }}`), from the sources and from any model that
passes the column on, so the text is written once, in the contract.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

import policy
from extract.contract import ENTITIES, Entity
from extract.load import SOURCE_ROW_COLUMN, SOURCE_ROW_DOC, SOURCE_ROW_TYPE
from extract.validate import RAW_TYPES

PROJECT_DIR = policy.PROJECT_DIR
SOURCES_FILE = PROJECT_DIR / "models" / "staging" / "ais" / "_ais__sources.yml"
DOCS_FILE = PROJECT_DIR / "models" / "docs" / "ais.md"
COMMAND = "python -m extract.dbt_docs"

SOURCE_NAME = "ais"
SOURCE_SCHEMA = "raw"  # the schema extract/load.py writes
SOURCE_DOC = ("AIS (Platonus) extracts as loaded by `registrar refresh`: one typed table per file of the "
              "extract contract.")


def table_block(ent: Entity) -> str:
    """The docs block of what one row of an extract file is."""
    return f"{SOURCE_NAME}__{ent.name}"


def column_block(ent: Entity, column: str) -> str:
    """The docs block of one column of an extract file."""
    return f"{SOURCE_NAME}__{ent.name}__{column}"


# The docs block of the row number the loader adds to every file (staging's source_row)
SOURCE_ROW_BLOCK = f"{SOURCE_NAME}_source_row"


def _doc(block: str) -> str:
    return '{{ doc("' + block + '") }}'


HEADER = (f"Generated from extract/contract.py by `{COMMAND}`: do not edit by hand;",
          "change the contract and run the command again.")


def render_docs() -> str:
    """models/docs/ais.md: one docs block per extract file and per column of it, and one for the
    row number the loader adds."""
    blocks: list[str] = []
    for ent in ENTITIES:
        blocks.append(f"{{% docs {table_block(ent)} %}}{ent.doc}{{% enddocs %}}")
        for col in ent.columns:
            blocks.append(f"{{% docs {column_block(ent, col.name)} %}}{col.doc}{{% enddocs %}}")
        blocks.append("")
    blocks.append(f"{{% docs {SOURCE_ROW_BLOCK} %}}{SOURCE_ROW_DOC}{{% enddocs %}}")
    return "{# " + "\n   ".join(HEADER) + " #}\n\n" + "\n".join(blocks) + "\n"


def render_sources() -> str:
    """models/staging/ais/_ais__sources.yml: the `ais` source, one table per extract file."""
    tables = []
    for ent in ENTITIES:
        columns = [{"name": c.name, "description": _doc(column_block(ent, c.name)), "data_type": RAW_TYPES[c.kind]}
                   for c in ent.columns]
        columns.append({"name": SOURCE_ROW_COLUMN, "description": _doc(SOURCE_ROW_BLOCK),
                        "data_type": SOURCE_ROW_TYPE})
        tables.append({
            "name": ent.name,
            "description": (f"{_doc(table_block(ent))} Loaded by `registrar` from `{ent.name}.csv|xlsx` after "
                            "every contract check passed (extract/README.md)."),
            "columns": columns,
        })
    doc = {"version": 2, "sources": [
        {"name": SOURCE_NAME, "schema": SOURCE_SCHEMA, "description": SOURCE_DOC, "tables": tables},
    ]}
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)
    return "".join(f"# {line}\n" for line in HEADER) + body


def outputs() -> dict[Path, str]:
    """Every generated file and the text it must hold."""
    return {SOURCES_FILE: render_sources(), DOCS_FILE: render_docs()}


def stale() -> list[Path]:
    """The generated files whose committed text differs from a fresh generation."""
    return [path for path, text in outputs().items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is stale")
    args = parser.parse_args(argv)
    if args.check:
        paths = stale()
        for path in paths:
            print(f"{path.relative_to(PROJECT_DIR)} is stale: run `{COMMAND}`", file=sys.stderr)
        return 1 if paths else 0
    for path, text in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
