"""The roles, one table (rules B30): which pages each may open, which faculties and students it
sees, whether personal data shows, whether single students may be listed, whether small
aggregate cells are suppressed, and whether it may refresh the warehouse from the browser (C7).
The scope (scope.py), the menu and every page's gate (dashboards/auth.py), the Data refresh page's
upload, the users file and the role tables of docs/access.md are all read from here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Every page of the dashboards, by the url path app.py gives it, in menu order.
PAGES = ("home", "attestation", "student", "contingent", "lists", "reports", "status")

# How a role's faculties are chosen: every faculty; the faculties given to the user (a dean);
# the faculties of the user's advisees (an advisor, who then sees only those students).
FACULTY_RULES = ("all", "assigned", "advisees")


@dataclass(frozen=True)
class Role:
    """What one role may see."""

    name: str
    pages: tuple[str, ...]
    faculties: str  # one of FACULTY_RULES
    personal_data: bool  # names, IIN and birth dates shown (else masked)
    individuals: bool  # rows about single students may be listed (else aggregates only)
    suppress_small_cells: bool  # aggregate cells under the dbt var privacy_min_cell_students are blanked
    refresh: bool = False  # uploads extracts, starts a refresh, publishes past the guard, rolls back (rules C7)


_EVERY_PAGE = PAGES
ROLE_TABLE: dict[str, Role] = {role.name: role for role in (
    Role("registrar", _EVERY_PAGE, "all", personal_data=True, individuals=True, suppress_small_cells=False,
         refresh=True),
    Role("management", ("home", "attestation", "contingent", "lists", "status"), "all",
         personal_data=False, individuals=True, suppress_small_cells=False),
    Role("dean", ("home", "attestation", "student", "contingent", "lists", "status"), "assigned",
         personal_data=True, individuals=True, suppress_small_cells=False),
    Role("advisor", ("home", "student", "lists", "status"), "advisees",
         personal_data=True, individuals=True, suppress_small_cells=False),
    Role("viewer", ("home", "attestation", "contingent", "status"), "all",
         personal_data=False, individuals=False, suppress_small_cells=True),
)}

ROLES: tuple[str, ...] = tuple(ROLE_TABLE)


def may_open(role: str, page: str) -> bool:
    """Whether `role` may open `page` (an unknown role or page: no)."""
    found = ROLE_TABLE.get(role)
    return found is not None and page in found.pages


def may_refresh(role: str) -> bool:
    """Whether `role` may upload extracts, start a refresh, publish past the publish guard and roll
    back, on the Data refresh page (an unknown role: no)."""
    found = ROLE_TABLE.get(role)
    return found is not None and found.refresh


def page_roles() -> dict[str, frozenset[str]]:
    """Which roles may open each page."""
    return {page: frozenset(r.name for r in ROLE_TABLE.values() if page in r.pages) for page in PAGES}
