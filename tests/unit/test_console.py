"""The refresh's terminal output (registrar/common/console.py): quiet by default, every line with -v."""

from __future__ import annotations

import io

from registrar.common.console import Console

LINES = [
    "[2/4] dbt build (models and tests) …",
    "  dbt: 1 of 517 OK created sql table model main.dim_terms ..... [OK in 0.1s]",
    "  dbt: 1 of 517 nodes done",
    "  dbt: 2 of 517 OK created sql table model main.dim_students ..... [OK in 0.3s]",
    "  dbt: 260 of 517 nodes done",
    "  dbt: 300 of 517 FAIL 1 not_null_dim_students_student_id ..... [FAIL 1 in 0.1s]",
    "  dbt: 517 of 517 nodes done",
    "  dbt: Done. PASS=501 WARN=0 ERROR=0 SKIP=0 NO-OP=16 TOTAL=517",
    "[2/4] dbt build (models and tests): 79.2 s",
]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_by_default_models_are_not_listed_but_steps_problems_and_the_tally_are() -> None:
    out = io.StringIO()
    console = Console(stream=out)
    for line in LINES:
        console(line)
    shown = out.getvalue().splitlines()
    assert not any("OK created" in s for s in shown)
    assert LINES[0] in shown and LINES[5] in shown and LINES[7] in shown and LINES[8] in shown
    # not a terminal (a log, make's output): the nodes once per tenth, not at every count
    assert [s for s in shown if "nodes done" in s] == [LINES[2], LINES[4], LINES[6]]


def test_on_a_terminal_the_nodes_are_one_bar_that_other_lines_do_not_overwrite() -> None:
    out = Terminal()
    console = Console(stream=out)
    for line in LINES:
        console(line)
    text = out.getvalue()
    assert "\r  dbt [" in text and "517/517 nodes" in text
    assert "nodes done" not in text
    # the failure starts on a line of its own after the bar
    assert "260/517 nodes\n" + LINES[5] + "\n" in text


def test_verbose_prints_every_line_as_it_comes() -> None:
    out = io.StringIO()
    console = Console(verbose=True, stream=out)
    for line in LINES:
        console(line)
    assert out.getvalue().splitlines() == LINES
