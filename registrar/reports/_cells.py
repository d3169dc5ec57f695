"""What the exporter's writers (XLSX and CSV in `registrar.reports.export`, PDF in `registrar.reports.pdf`)
share: the university's name, a cell's value as Python, a value as printed, and the lines under a title."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pandas as pd

from policy import settings
from registrar.common.i18n import t
from registrar.reports.base import ReportDocument, ReportParams


def university_name(lang: str) -> str:
    """The university's name in `lang` (settings university_name_kk/ru/en)."""
    values = settings()
    return str(values.get(f"university_name_{lang}") or values.get("university_name_en") or "")


def cell(value: object) -> object:
    """A cell value as Python: numpy scalars unwrapped, missing values None, timestamps as datetimes."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalar
        if isinstance(value, float) and math.isnan(value):
            return None
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return None
    except (TypeError, ValueError):
        pass
    return value


def column_values(series: pd.Series) -> list[object]:
    """A column's values as Python (`cell` of each), converted a column at a time: a whole-university
    list is a million cells, and `cell` one by one was a third of the XLSX's time."""
    kind = series.dtype.kind
    if kind in "iub" and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        return series.tolist()  # numpy ints and bools: never missing
    if kind == "f" and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        return [None if v != v else v for v in series.tolist()]  # NaN is missing
    return [v if type(v) is str else cell(v) for v in series.tolist()]


AS_IS = {str, type(None), dt.date, dt.datetime, int, bool}  # what `cell` returns unchanged


def printed(value: object) -> str:
    """A value as printed in the PDF and sized for the XLSX column widths."""
    value = cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    return str(value)


def heading_pairs(doc: ReportDocument, params: ReportParams,
                   refreshed_at: dt.datetime | None) -> list[tuple[str, object]]:
    """What is printed under the title, label and value: an official document's number and day of issue,
    the parameters, and (for a report, not a document) when the warehouse was refreshed."""
    pairs: list[tuple[str, object]] = []
    if doc.outgoing_number:
        pairs.append((t("document_outgoing_number", params.lang), doc.outgoing_number))
    if doc.issued_on:
        pairs.append((t("document_issued_on", params.lang), doc.issued_on))
    pairs += doc.parameters
    if doc.show_refreshed:
        pairs.append((t("report_refreshed_at", params.lang), refreshed_at))
    return pairs
