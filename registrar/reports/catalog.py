"""The catalogue: every report that a module of `registrar.reports.library` defines.

A module defines `REPORT` (one) or `REPORTS` (a tuple); adding a report is adding a module,
with no list to edit. Two reports of one name are an error, found when the catalogue loads.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from registrar.reports import library
from registrar.reports.base import Report, ReportError


class DuplicateReport(RuntimeError):
    """Two modules define a report of the same name."""


@cache
def reports() -> dict[str, Report]:
    """Every report by name, in name order."""
    found: dict[str, Report] = {}
    where: dict[str, str] = {}
    for module_info in pkgutil.iter_modules(library.__path__, f"{library.__name__}."):
        module = importlib.import_module(module_info.name)
        defined = getattr(module, "REPORTS", None) or ()
        if hasattr(module, "REPORT"):
            defined = (*defined, module.REPORT)
        for report in defined:
            if report.name in found:
                raise DuplicateReport(f"report {report.name!r} is defined in {where[report.name]} "
                                      f"and {module_info.name}")
            found[report.name], where[report.name] = report, module_info.name
    return dict(sorted(found.items()))


def get(name: str) -> Report:
    """The report called `name`, or a ReportError that lists the ones there are."""
    catalogue = reports()
    if name not in catalogue:
        raise ReportError(f"no report called {name!r}; there are: {', '.join(catalogue) or 'none'}")
    return catalogue[name]
