"""Every list or string aggregate of the models is ordered, so the same files give the same warehouse.

DuckDB aggregates in whatever order its threads meet the rows: `list(student_id)` may list the same
students in another order on the next build, and two refreshes of the same files then differ
(issue 20: 20,782 rows of fct_attestation_breakdown at 200,000 students). So each call of an
aggregate that builds a list or a string (list, array_agg, string_agg, group_concat, listagg) must
say its order inside the call (`list(x order by x)`), or in the window it runs over
(`list(x) over (partition by p order by x)`); and `list_distinct` / `array_distinct`, whose result
order DuckDB does not promise, must be sorted (`list_sort(list_distinct(x))`). SQL comments are
left out: they describe, they do not run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registrar.common.paths import PROJECT_DIR

SQL_FOLDERS = ("models", "macros")
AGGREGATES = ("list", "array_agg", "string_agg", "group_concat", "listagg")
DISTINCTS = ("list_distinct", "array_distinct")
SORTS = ("list_sort", "array_sort", "list_reverse_sort", "array_reverse_sort")
CALL = re.compile(r"\b(" + "|".join(AGGREGATES + DISTINCTS) + r")\s*\(", re.IGNORECASE)
COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/|\{#.*?#\}", re.DOTALL)
ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


def _closing(sql: str, open_at: int) -> int:
    """The index of the parenthesis closing the one at `open_at` (quotes are not tracked: the
    models hold no parenthesis inside a string next to an aggregate)."""
    depth = 0
    for i in range(open_at, len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[i], 0)
        if depth == 0:
            return i
    return len(sql)


def _window_orders(sql: str, after: int) -> bool:
    """Whether the call ending at `after` runs over a window with an order: `[filter (...)] over (... order by ...)`."""
    rest = sql[after:]
    skipped = re.match(r"\s*filter\s*\(", rest, re.IGNORECASE)
    if skipped:
        rest = rest[_closing(rest, skipped.end() - 1) + 1:]
    over = re.match(r"\s*over\s*\(", rest, re.IGNORECASE)
    return bool(over) and bool(ORDER_BY.search(rest[over.end() - 1:_closing(rest, over.end() - 1) + 1]))


def unordered_aggregates(sql: str) -> list[str]:
    """The calls of `sql` that build a list or a string in no stated order."""
    sql = COMMENT.sub(" ", sql)
    found = []
    for call in CALL.finditer(sql):
        name = call.group(1).lower()
        open_at = call.end() - 1
        close = _closing(sql, open_at)
        text = sql[call.start():close + 1]
        if name in DISTINCTS:
            if not re.search(r"\b(" + "|".join(SORTS) + r")\s*\(\s*$", sql[:call.start()], re.IGNORECASE):
                found.append(text)
        elif not ORDER_BY.search(sql[open_at:close + 1]) and not _window_orders(sql, close + 1):
            found.append(text)
    return found


def _sql_files() -> list[Path]:
    return sorted(p for folder in SQL_FOLDERS for p in (PROJECT_DIR / folder).rglob("*.sql"))


def test_every_list_and_string_aggregate_of_the_models_is_ordered() -> None:
    unordered = {str(p.relative_to(PROJECT_DIR)): calls for p in _sql_files()
                 if (calls := unordered_aggregates(p.read_text(encoding="utf-8")))}
    assert not unordered, f"aggregates with no order (add `order by` inside the call): {unordered}"


def test_the_models_do_aggregate_lists() -> None:
    """The scan reads the files it should: the known ordered aggregates are found in them."""
    calls = [c.group(0) for p in _sql_files() for c in CALL.finditer(COMMENT.sub(" ", p.read_text("utf-8")))]
    assert len(calls) >= 3, calls


@pytest.mark.parametrize(("sql", "unordered"), [
    ("select list(student_id) filter (where not passed) as ids from t", True),
    ("select coalesce(list(student_id order by student_id) filter (where x), []) from t", False),
    ("select string_agg(code, ', ') from t", True),
    ("select string_agg(code, ', ' order by term_seq, code) from t", False),
    ("select ARRAY_AGG( distinct x ) from t", True),
    ("select list(x) over (partition by p order by x) from t", False),
    ("select list(x) filter (where y) over (partition by p) from t", True),
    ("select list_distinct(xs) from t", True),
    ("select list_sort(list_distinct(xs)) from t", False),
    ("select x -- list(y) in a comment\nfrom t", False),
    ("select list_value(a, b), list_sort(xs) from t", False),
])
def test_the_scan_finds_an_unordered_aggregate(sql: str, unordered: bool) -> None:
    assert bool(unordered_aggregates(sql)) is unordered
