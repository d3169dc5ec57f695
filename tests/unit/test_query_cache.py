"""The dashboards' query cache (dashboards/data.py, issue 21 finding 6): bounded in results and
bytes, the least recently read going first, and out of reach of a client's "clear cache"
message, which empties Streamlit's own caches for everyone."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import data
from dashboards.data import QueryCache
from registrar.common.paths import PROJECT_DIR, Home


def rows(n: int, text: str = "x") -> pd.DataFrame:
    return pd.DataFrame({"student_id": [f"S{i:04d}" for i in range(n)], "note": [text * 10] * n})


def test_the_least_recently_read_result_goes_first_past_the_entry_limit() -> None:
    cache = QueryCache(max_entries=3, max_bytes=10**9)
    for key in ("a", "b", "c"):
        cache.put(key, rows(2))
    assert cache.get("a") is not None  # read: now the most recent
    cache.put("d", rows(2))
    assert len(cache) == 3 and cache.get("b") is None
    assert all(cache.get(k) is not None for k in ("a", "c", "d"))


def test_the_cache_keeps_under_its_byte_limit_and_never_keeps_a_result_larger_than_it() -> None:
    one = int(rows(100).memory_usage(index=True, deep=True).sum())
    cache = QueryCache(max_entries=1000, max_bytes=one * 3 + one // 2)
    for i in range(10):
        cache.put(i, rows(100))
        assert cache.bytes <= cache.max_bytes
    assert len(cache) == 3 and [i for i in range(10) if cache.get(i) is not None] == [7, 8, 9]
    cache.put("huge", rows(1000))
    assert cache.get("huge") is None and len(cache) == 3


def test_a_page_that_changes_its_frame_does_not_change_the_cached_one() -> None:
    cache = QueryCache(max_entries=10, max_bytes=10**9)
    cache.put("k", rows(3))
    got = cache.get("k")
    assert got is not None
    got.loc[0, "student_id"] = "CHANGED"
    got["added"] = 1
    again = cache.get("k")
    assert again is not None and list(again.columns) == ["student_id", "note"] and again.loc[0, "student_id"] == "S0000"


def test_the_bounds_are_settings() -> None:
    from policy import settings

    found = QueryCache.configured()
    assert found.max_entries == int(settings()["query_cache_max_entries"])
    assert found.max_bytes == int(float(settings()["query_cache_max_megabytes"]) * 1024 * 1024)


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    home = Home(tmp_path)
    con = duckdb.connect(str(home.warehouse))
    con.execute("create table t as select * from range(5) r(n)")
    con.close()
    monkeypatch.setenv("REGISTRAR_HOME", str(tmp_path))
    return home


def test_a_clients_clear_cache_message_does_not_empty_the_query_cache(published: Home,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """What the server does on a client's "clear cache" message (AppSession._handle_clear_cache_request)
    leaves the results in place: the next read runs no query."""
    from streamlit.runtime import caching

    monkeypatch.setattr(data, "_CACHE", QueryCache(max_entries=10, max_bytes=10**9))
    assert list(data.frame("select n from t where n < ?", [3])["n"]) == [0, 1, 2]
    assert len(data._CACHE) == 1
    caching.cache_data.clear()
    caching.cache_resource.clear()
    ran: list[str] = []
    monkeypatch.setattr(data.Warehouse, "reading", lambda self: ran.append("query") or 1 / 0)
    assert list(data.frame("select n from t where n < ?", [3])["n"]) == [0, 1, 2]
    assert ran == []


def test_a_query_many_sessions_ask_at_once_runs_once(published: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a publish, or as people sign in, sessions ask the same query at the same instant: it runs
    once and the others get its result; a different query runs beside it."""
    import threading
    import time
    from contextlib import contextmanager

    monkeypatch.setattr(data, "_CACHE", QueryCache(max_entries=10, max_bytes=10**9))
    ran: list[str] = []
    real = data.Warehouse.reading

    @contextmanager
    def slow_reading(self: data.Warehouse):  # type: ignore[no-untyped-def]
        ran.append("query")
        time.sleep(0.3)  # long enough for every thread to ask while it runs
        with real(self) as found:
            yield found

    monkeypatch.setattr(data.Warehouse, "reading", slow_reading)
    start = threading.Barrier(9)
    results: list[list[int]] = []

    def ask(limit: int) -> None:
        start.wait()
        results.append(list(data.frame("select n from t where n < ? order by n", [limit])["n"]))

    threads = [threading.Thread(target=ask, args=(3,)) for _ in range(8)] + [threading.Thread(target=ask, args=(2,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [[0, 1]] + [[0, 1, 2]] * 8
    assert ran == ["query", "query"]  # one per distinct query, not one per session
    assert not data._RUNNING


STREAMLIT_CACHES = ("cache_data", "cache_resource", "cache", "experimental_memo", "experimental_singleton")


def test_no_dashboard_code_caches_in_streamlit() -> None:
    """Streamlit's caches are emptied for everyone by any client's message: the dashboards keep
    nothing there (the query cache and the warehouse reader are dashboards/data.py's own)."""
    found = []
    for path in sorted((PROJECT_DIR / "dashboards").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in ("st", "streamlit") and node.attr in STREAMLIT_CACHES):
                found.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno} {node.attr}")
    assert not found, found


def test_no_table_of_the_dashboards_offers_streamlits_own_csv_export() -> None:
    """Issue 21 finding 5: Streamlit's CSV download and copy of an st.dataframe would let a table
    leave unrecorded. dashboards/ui.py switches them off for the whole process on import; app.py
    imports it before it draws anything, and every st.dataframe is drawn by ui.py or a page app.py
    runs (dashboards/views/). `registrar serve` passes the option too (tests/unit/test_serve.py)."""
    import subprocess
    import sys

    shown = subprocess.run([sys.executable, "-c", "import dashboards.ui; from streamlit import config; "
                            "print(config.get_option('client.disableDataExport'))"],
                           cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout.split()
    assert shown[-1] == "True"
    drawing = []
    for path in sorted((PROJECT_DIR / "dashboards").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("dataframe", "data_editor", "table"):
                    drawing.append(path.relative_to(PROJECT_DIR).as_posix())
                if node.func.attr == "set_option" and node.args and isinstance(node.args[0], ast.Constant):
                    assert node.args[0].value != "client.disableDataExport" or (
                        isinstance(node.args[1], ast.Constant) and node.args[1].value is True), path
    assert drawing and all(p == "dashboards/ui.py" or p.startswith("dashboards/views/") for p in drawing), drawing
    app = (PROJECT_DIR / "dashboards" / "app.py").read_text(encoding="utf-8")
    assert app.index("from dashboards.ui import") < app.index("st.set_page_config")
