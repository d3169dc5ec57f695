"""Defects: what is wrong with an extract, as values collected and reported together."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Defect:
    """One broken rule: which file, row, column and value broke which rule.

    A warning has the same shape: a broken rule that is reported and kept but does not stop
    the refresh.

    `row` is the row as a spreadsheet shows it (the header is row 1); 0 means the
    whole file. `count` > 1 stands for that many rows with the same defect when the
    listing was shortened.
    """

    file: str
    row: int
    column: str
    value: str
    rule: str
    count: int = 1

    def __str__(self) -> str:
        where = f"{self.file}" + (f", row {self.row}" if self.row else "")
        col = f", column '{self.column}'" if self.column else ""
        val = f", value '{self.value}'" if self.value != "" else ""
        more = f" (and {self.count - 1:,} more rows like it)" if self.count > 1 else ""
        return f"{where}{col}{val}: {self.rule}{more}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def format_report(defects: Iterable[Defect], warnings: Iterable[Defect] = ()) -> str:
    """A human report: a summary per file and rule, then every defect line."""
    items = sorted(defects)
    lines: list[str] = []
    warns = sorted(warnings)
    if items:
        total = sum(d.count for d in items)
        lines.append(f"The extracts break {total:,} rule(s); nothing was published.")
        per_rule = Counter()
        for d in items:
            per_rule[(d.file, d.rule)] += d.count
        lines.append("Summary:")
        lines += [f"  {f}: {r} — {n:,}" for (f, r), n in sorted(per_rule.items())]
        lines.append("Defects:")
        lines += [f"  {d}" for d in items]
    if warns:
        lines.append("Warnings:")
        lines += [f"  {w}" for w in warns]
    return "\n".join(lines)
