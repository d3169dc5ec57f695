"""What a long command prints on the terminal (issue 23, point 16).

By default: each step, its warnings and problems, dbt's closing tally, and dbt's nodes as one
progress bar (on a terminal; elsewhere, as in a log or `make run`'s output, a line per tenth).
With `-v`, every line, dbt's model by model.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

# the refresh's count of finished dbt nodes (registrar/pipeline/dbt.py)
NODES_DONE = re.compile(r"^  dbt: (\d+) of (\d+) nodes done$")
# a dbt line that must be seen even without -v: a problem, or the closing tally
DBT_SHOWN = ("ERROR", "FAIL", "WARN", "Error", "Done.")
BAR_WIDTH = 30


class Console:
    """A progress callback: `Console(verbose)(line)`."""

    def __init__(self, verbose: bool = False, stream: TextIO | None = None) -> None:
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar_open = False
        self._tenth = -1

    def __call__(self, line: str) -> None:
        if self.verbose:
            self._write(line)
            return
        nodes = NODES_DONE.match(line)
        if nodes:
            self._nodes(int(nodes[1]), int(nodes[2]))
            return
        if line.startswith("  dbt: ") and not any(k in line for k in DBT_SHOWN):
            return  # a model or seed built: listed with -v
        self._write(line)

    def _nodes(self, done: int, total: int) -> None:
        if total <= 0:
            return
        if self.tty:
            filled = BAR_WIDTH * done // total
            self.stream.write(f"\r  dbt [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} nodes")
            self.stream.flush()
            self._bar_open = done < total
            if done >= total:
                self.stream.write("\n")
            return
        tenth = 10 * done // total
        if tenth > self._tenth:
            self._tenth = tenth
            self._write(f"  dbt: {done} of {total} nodes done")

    def _write(self, line: str) -> None:
        if self._bar_open:  # a line under the bar, not over it
            self.stream.write("\n")
            self._bar_open = False
        self.stream.write(line + "\n")
        self.stream.flush()
