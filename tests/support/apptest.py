"""Every AppTest run fails at once when the app raised (tests/conftest.py wraps `AppTest._run`, the
path of `at.run()` and of every widget's `.run()`): a page that raised still draws its sidebar
and widgets, so a test that only looks for those would pass."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any


def failing_on_exception(run: Callable[..., Any]) -> Callable[..., Any]:
    """`AppTest._run` that raises AssertionError, with the app's message and trace, when the run
    left an exception element (`at.exception`) on the page."""

    def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
        at = run(self, *args, **kwargs)
        if at.exception:
            shown = "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace or []) for e in at.exception)
            raise AssertionError(f"the app raised on this run:\n{shown[:4000]}")
        return at

    return checked


def rendered(markdown: str) -> str:
    """The text a markdown element shows: its source without the backslash escapes that
    registrar.common.i18n.md() puts before markdown's special characters."""
    return re.sub(r"\\(.)", r"\1", markdown)


def number(text: object, language: str) -> float:
    """A number as a page writes it in `language` (kk/ru: "1 234,5"; en: "1,234.5"; padded with figure
    spaces in a table, dashboards/ui.py `number_texts`); a number passes through."""
    if not isinstance(text, str):
        return float(text)  # type: ignore[arg-type]
    bare = "".join(c for c in text if not c.isspace() and c not in "\u00a0\u2007\u202f")
    return float(bare.replace(",", "") if language == "en" else bare.replace(",", "."))


def recording_queries(monkeypatch: Any) -> list[str]:
    """Every SQL text the dashboards ask their one data layer (dashboards/data.py) for from now on, cached
    or not, in order: a test reads which queries a page run asked."""
    import dashboards.data

    asked: list[str] = []
    real = dashboards.data._cached

    def recorded(path: str, stamp: Any, sql: str, params: Any) -> Any:
        asked.append(sql)
        return real(path, stamp, sql, params)

    monkeypatch.setattr(dashboards.data, "_cached", recorded)
    return asked
