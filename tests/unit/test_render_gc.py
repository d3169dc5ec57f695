"""A document renders with Python's cyclic garbage collector paused (export.collector_paused), and the collector
is as it was afterwards: also when the render fails, when it was off before, and when two threads (two sessions
of the dashboards' server) render at once, the first one to finish leaving it off for the other."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator

import pandas as pd
import pytest

from registrar.reports import export
from registrar.reports import pdf as pdf_writer
from registrar.reports.base import ReportDocument, ReportParams, Section

WRITERS = {"pdf": (pdf_writer, "to_pdf"), "xlsx": (export, "to_xlsx"), "csv": (export, "to_csv")}


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    """The test process's collector as it was, whatever a test (or a planted fault) left."""
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def _document() -> ReportDocument:
    return ReportDocument("T", [], [Section("", pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))], "t")


def _watch(monkeypatch: pytest.MonkeyPatch, fmt: str, during: Callable[[], None] | None = None) -> list[bool]:
    """Whether the collector was on, each time the writer of `fmt` ran (it runs `during` first, then writes)."""
    seen: list[bool] = []
    module, name = WRITERS[fmt]
    write = getattr(module, name)

    def watched(*args: object) -> bytes:
        seen.append(gc.isenabled())
        if during:
            during()
        return write(*args)
    monkeypatch.setattr(module, name, watched)
    return seen


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_document_renders_with_the_collector_paused_and_back_on_after(
        fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    gc.enable()
    seen = _watch(monkeypatch, fmt)
    assert export.render(_document(), fmt, ReportParams(lang="en"), None)
    assert seen == [False]
    assert gc.isenabled()


def test_a_failed_render_turns_the_collector_back_on(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.enable()

    def fail() -> None:
        raise RuntimeError("the writer failed")
    seen = _watch(monkeypatch, "pdf", fail)
    with pytest.raises(RuntimeError, match="the writer failed"):
        export.render(_document(), "pdf", ReportParams(lang="en"), None)
    assert seen == [False]
    assert gc.isenabled()
    assert export.render(_document(), "csv", ReportParams(lang="en"), None)  # and the next render pauses it again
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.disable()
    seen = _watch(monkeypatch, "pdf")
    export.render(_document(), "pdf", ReportParams(lang="en"), None)
    assert seen == [False]
    assert not gc.isenabled()


@pytest.mark.parametrize("first_ends_first", [True, False])
def test_two_threads_rendering_at_once_turn_it_back_on_only_when_both_are_done(
        first_ends_first: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Render a begins, render b begins, one of them ends (the collector stays off: the other is still
    rendering), the other ends (on again)."""
    gc.enable()
    began = {name: threading.Event() for name in ("a", "b")}
    go = {name: threading.Event() for name in ("a", "b")}
    ended = {name: threading.Event() for name in ("a", "b")}
    failures: list[BaseException] = []

    def during() -> None:  # in the render's thread, named a or b
        name = threading.current_thread().name
        began[name].set()
        assert go[name].wait(10)
    seen = _watch(monkeypatch, "csv", during)

    def renders() -> None:
        try:
            export.render(_document(), "csv", ReportParams(lang="en"), None)
        except BaseException as error:  # reported by the test's thread
            failures.append(error)
        finally:
            ended[threading.current_thread().name].set()
    threads = {name: threading.Thread(target=renders, name=name) for name in ("a", "b")}
    threads["a"].start()
    assert began["a"].wait(10)
    threads["b"].start()
    assert began["b"].wait(10)
    assert not gc.isenabled()
    first, last = ("a", "b") if first_ends_first else ("b", "a")
    go[first].set()
    assert ended[first].wait(10)
    assert not gc.isenabled(), f"{first} ended while {last} was still rendering"
    go[last].set()
    for thread in threads.values():
        thread.join(10)
    assert failures == [] and seen == [False, False]
    assert gc.isenabled()
