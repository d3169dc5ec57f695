"""One `t()` for every user-facing string, from dashboards/translations.csv (key, en, kk, ru).

A CSV so that the registrar's staff can correct a translation in a spreadsheet.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "kk"
_FILE = Path(__file__).with_name("translations.csv")


@cache
def _table() -> dict[str, dict[str, str]]:
    with _FILE.open(encoding="utf-8", newline="") as fh:
        return {row["key"]: row for row in csv.DictReader(fh)}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key` in `lang` (English, then the key itself, when missing)."""
    row = _table().get(key)
    text = (row.get(lang) or row.get("en") or key) if row else key
    return text.format(**values) if values else text
