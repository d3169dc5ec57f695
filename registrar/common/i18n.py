"""One `t()` for every user-facing string (dashboards, reports, documents), from the CSV files
of registrar/common/translations/ (key, en, kk, ru).

CSV so that the registrar's staff can correct a translation in a spreadsheet; one file per
area (dashboards, each group of reports) so that areas grow without editing one shared file.
A key may be defined once across all files.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "kk"
TRANSLATIONS_DIR = Path(__file__).with_name("translations")


class DuplicateKey(ValueError):
    """The same translation key is defined in two places."""


@cache
def _table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    where: dict[str, str] = {}
    for path in sorted(TRANSLATIONS_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                key = row["key"]
                if key in table:
                    raise DuplicateKey(f"translation key {key!r} is in {where[key]} and {path.name}")
                table[key], where[key] = row, path.name
    return table


def has(key: str) -> bool:
    """Whether `key` has a translation."""
    return key in _table()


def key_of_english(text: str) -> str | None:
    """The key whose English text is `text` (a title recorded in English, e.g. in the audit log), or None."""
    return _english().get(text)


@cache
def _english() -> dict[str, str]:
    return {row["en"]: key for key, row in reversed(list(_table().items())) if row.get("en")}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key` in `lang` (English, then the key itself, when missing)."""
    row = _table().get(key)
    text = (row.get(lang) or row.get("en") or key) if row else key
    return text.format(**values) if values else text


_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~:$&=\"'")


def md(value: object) -> str:
    """`value` as literal text inside markdown (what st.markdown, st.caption, st.info, … render):
    every character markdown or Streamlit's directives (`:red[…]`, `:material/…:`, `$…$`) would
    read is escaped, and a line break is a space, so a name or an address parameter never becomes
    a link, an image or a heading (issue 21 finding 7)."""
    text = " ".join(str(value).splitlines())
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in text)
