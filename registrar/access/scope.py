"""What a signed-in user may see: the `Scope` made from their role (roles.py) and, for a dean or
an advisor, their faculties and advisor id. Every dashboard query filters through it
(`faculty_filter`, `student_filter`, `individuals_filter`, `personal`, `suppress`), so a page
never decides that itself. Its filters are SQL text written here and bound values, never user text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from policy import dbt_vars
from registrar.access.privacy import suppress
from registrar.access.roles import ROLE_TABLE


@dataclass(frozen=True)
class Scope:
    """What the user may see: `faculties` (None: every faculty), `advisor_id` (only that advisor's
    advisees), whether names, IIN and birth dates are shown (`personal_data`), whether rows about
    single students may be listed at all (`individuals`), and below how many students an aggregate
    cell is suppressed (`min_cell`, 0: none; rules B30). `role` names the role it was made for."""

    faculties: tuple[str, ...] | None = None
    advisor_id: str | None = None
    personal_data: bool = True
    individuals: bool = True
    min_cell: int = 0
    role: str = "registrar"

    @classmethod
    def for_role(cls, role: str, faculties: Sequence[str] = (), advisor_id: str | None = None) -> Scope:
        """The scope of a role as roles.py defines it (rules B30): `faculties` are a dean's (or an
        advisor's advisees') faculties. An unknown role, or an advisor without an advisor id,
        sees nothing."""
        found = ROLE_TABLE.get(role)
        if found is None or (found.faculties == "advisees" and not advisor_id):
            return cls.nothing()
        return cls(faculties=None if found.faculties == "all" else tuple(faculties),
                   advisor_id=advisor_id if found.faculties == "advisees" else None,
                   personal_data=found.personal_data, individuals=found.individuals,
                   min_cell=privacy_min_cell() if found.suppress_small_cells else 0, role=role)

    @classmethod
    def nothing(cls) -> Scope:
        """No faculty, no student, no personal data: the scope of a session nobody signed in to."""
        return cls(faculties=(), advisor_id=None, personal_data=False, individuals=False, min_cell=0, role="none")

    def student_filter(self, column: str = "student_id") -> tuple[str, list[str]]:
        """A predicate on a student-id column: an advisor's advisees, else every student."""
        if self.role == "none":
            return "false", []
        if self.advisor_id is None:
            return "true", []
        return f"{column} in (select student_id from main.dim_students where advisor_id = ?)", [self.advisor_id]

    def individuals_filter(self) -> tuple[str, list[str]]:
        """A predicate for a query that lists single students (a debtor list, the mismatches):
        false for a scope of aggregates only (a viewer's), so such a list comes back empty."""
        return ("true", []) if self.individuals and self.role != "none" else ("false", [])

    def narrowed(self, faculty: str | None) -> Scope:
        """This scope narrowed to one faculty chosen on a page (never widened: a faculty outside
        the scope gives a scope of no faculty)."""
        if faculty is None:
            return self
        if self.faculties is not None and faculty not in self.faculties:
            return replace(self, faculties=())
        return replace(self, faculties=(faculty,))

    def by_name(self, expression: str, collation: str) -> str:
        """The leading ORDER BY items of a list of students sorted by name: the name in `collation`,
        or nothing when names are masked, so that the keys after it (the student id) give the order
        and `***` rows never come in the order of the hidden names (issue 21 finding 9)."""
        return f"{expression} collate {collation}, " if self.personal_data else ""

    def personal(self, expression: str, alias: str) -> str:
        """A select item for personal data (a name, IIN, birth date): the value, or masked."""
        return f"{expression} as {alias}" if self.personal_data else f"'***' as {alias}"

    def suppress(self, result: pd.DataFrame, count: str, values: Sequence[str] = (),
                 margins: Sequence[Sequence[str]] = ((),)) -> pd.DataFrame:
        """An aggregate result with its small cells blanked for this scope (a viewer's; rules B30):
        `count` the students each row rests on, `values` what is computed from them, `margins`
        the groupings whose totals are known (see registrar/access/privacy.py). Adds a `suppressed`
        column; returns `result` itself for a scope without `min_cell`."""
        return result if self.min_cell <= 0 else suppress(result, count, self.min_cell, values, margins)

    def faculty_filter(self, column: str = "faculty_code") -> tuple[str, list[str]]:
        """A predicate on `column` (a column name written in the query module, never user text)
        and its bound values."""
        if self.faculties is None:
            return "true", []
        if not self.faculties:
            return "false", []
        return f"{column} in ({', '.join('?' * len(self.faculties))})", list(self.faculties)


def privacy_min_cell() -> int:
    """A viewer's aggregate cell of fewer students than this is suppressed (rules B30)."""
    return int(dbt_vars()["privacy_min_cell_students"])
