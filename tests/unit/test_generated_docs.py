"""Files generated from the extract contract stay equal to a fresh generation, and the dbt
ymls take the contract's column descriptions from its docs blocks instead of copying them.

No dbt run: these read the committed files and the contract only.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from extract import dbt_docs
from extract.contract import ENTITIES
from policy import PROJECT_DIR

MODELS = PROJECT_DIR / "models"
_BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}")
_DOC_REF = re.compile(r"""doc\(\s*["'](\w+)["']\s*\)""")


@pytest.mark.parametrize("path", list(dbt_docs.outputs()), ids=lambda p: p.name)
def test_generated_file_is_current(path: Path) -> None:
    fresh = dbt_docs.outputs()[path]
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    assert committed == fresh, (
        f"{path.relative_to(PROJECT_DIR)} differs from what extract/contract.py generates: "
        f"change the contract, not this file, and run `{dbt_docs.COMMAND}`"
    )


def _changed_by(monkeypatch: pytest.MonkeyPatch, **change: object) -> set[str]:
    """The generated files whose text changes when the contract's first column changes so."""
    before = dbt_docs.outputs()
    first = ENTITIES[0]
    col = dataclasses.replace(first.columns[0], **change)
    monkeypatch.setattr(dbt_docs, "ENTITIES", (dataclasses.replace(first, columns=(col, *first.columns[1:])),
                                               *ENTITIES[1:]))
    return {path.name for path, text in dbt_docs.outputs().items() if text != before[path]}


def test_a_new_meaning_in_the_contract_changes_the_docs_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _changed_by(monkeypatch, doc=ENTITIES[0].columns[0].doc + " Changed.") == {dbt_docs.DOCS_FILE.name}


def test_a_new_type_in_the_contract_changes_the_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _changed_by(monkeypatch, kind="int") == {dbt_docs.SOURCES_FILE.name}


def test_staging_takes_each_extract_column_description_from_the_contract() -> None:
    """A staging column that the extract holds says `{{ doc("ais__<file>__<column>") }}`, never
    its own copy of the text."""
    copied = []
    for ent in ENTITIES:
        spec = yaml.safe_load((MODELS / "staging" / "ais" / f"stg_ais__{ent.name}.yml").read_text(encoding="utf-8"))
        model, = spec["models"]
        for col in model["columns"]:
            if col["name"] in ent.column_names:
                wanted = '{{ doc("' + dbt_docs.column_block(ent, col["name"]) + '") }}'
                if col.get("description") != wanted:
                    copied.append(f"{model['name']}.{col['name']}: {col.get('description')!r}, not {wanted}")
    assert not copied, "\n".join(copied)


def _blocks() -> list[str]:
    return [name for md in sorted(MODELS.rglob("*.md")) for name in _BLOCK.findall(md.read_text(encoding="utf-8"))]


def test_each_docs_block_is_defined_once_and_every_reference_resolves() -> None:
    names = _blocks()
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
    missing = sorted({
        f"{yml.relative_to(PROJECT_DIR)}: {ref}"
        for yml in MODELS.rglob("*.yml")
        for ref in _DOC_REF.findall(yml.read_text(encoding="utf-8"))
        if ref not in set(names)
    })
    assert not missing, missing
