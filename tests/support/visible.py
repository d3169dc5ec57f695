"""The text an AppTest page shows a person, for the language sweep (issue 23 point 12): markdown
(headers, captions, alerts), widget labels, options, placeholders and help, metric labels, values
and deltas, button and link labels, tab and expander labels, table headers and the cells of text
columns, and each Plotly figure's titles, axis titles, tick texts, legend names, text labels, hover
texts and templates, Sankey node labels and annotations. Each piece comes with where it was seen,
so a failure says which element to fix."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
from google.protobuf.json_format import MessageToDict

# Proto fields of an element that a person reads (the rest are ids, keys, enums and settings).
SHOWN_FIELDS = {"body", "label", "options", "placeholder", "help", "text", "delta", "value", "caption",
                "displayValue", "defaultValue", "rawValues"}
# Elements whose proto `value` is not shown as text (a widget's state: an index, a date, a flag).
VALUE_NOT_TEXT = {"selectbox", "multiselect", "radio", "checkbox", "toggle", "dateInput", "timeInput",
                  "slider", "numberInput", "textInput", "buttonGroup", "progress"}
# Plotly attributes a person reads, wherever they appear in the figure (layout or trace).
_FIELD = re.compile(r"%\{[^}]*\}")
PLOTLY_TEXT = {"text", "title", "name", "ticktext", "hovertext", "hovertemplate", "texttemplate", "label"}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _plotly(spec: dict[str, Any], where: str) -> Iterator[tuple[str, str]]:
    """Every text a person reads in a Plotly figure's JSON (not the data arrays of numbers)."""

    def walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key, inner in node.items():
                if key in PLOTLY_TEXT:
                    for text in _strings(inner):  # a template's %{...} fields are replaced, not shown
                        yield f"{where} {path}.{key}", _FIELD.sub(" ", text) if "template" in key else text
                if isinstance(inner, dict | list) and key not in ("bdata",):
                    yield from walk(inner, f"{path}.{key}")
        elif isinstance(node, list):
            for i, inner in enumerate(node):
                yield from walk(inner, f"{path}[{i}]")

    yield from walk({"data": spec.get("data", []), "layout": spec.get("layout", {})}, "figure")


def _dataframe(frame: pd.DataFrame, where: str) -> Iterator[tuple[str, str]]:
    for column in frame.columns:
        yield f"{where} header", str(column)
    for column in frame.columns:
        cells = frame[column]
        if cells.dtype == object or isinstance(cells.dtype, pd.StringDtype):
            for cell in cells.dropna().drop_duplicates():  # a missing cell: format_problems
                yield f"{where} column {column!r}", str(cell)


def texts(at: Any) -> list[tuple[str, str]]:
    """(where, text) of everything the page of `at` (an AppTest after a run) shows."""
    found: list[tuple[str, str]] = []

    def visit(node: Any, where: str) -> None:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", type(node).__name__)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            fields = MessageToDict(proto)
            if kind == "plotly_chart" or "spec" in fields:
                found.extend(_plotly(json.loads(fields.get("spec") or "{}"), where))
            elif kind in ("arrow_data_frame", "dataframe") or "arrowData" in fields or "data" in fields \
                    and kind.endswith("frame"):
                value = getattr(node, "value", None)
                if isinstance(value, pd.DataFrame):
                    found.extend(_dataframe(value, where))
            else:
                for name, inner in fields.items():
                    if name in SHOWN_FIELDS and not (name in ("value", "defaultValue", "rawValues")
                                                     and _camel(kind) in VALUE_NOT_TEXT):
                        found.extend((f"{where} {kind}.{name}", s) for s in _strings(inner))
                    elif isinstance(inner, dict):  # a block's tab or expander, a nested label
                        for sub, deeper in inner.items():
                            if sub in ("label", "body", "caption"):
                                found.extend((f"{where} {kind}.{name}.{sub}", s) for s in _strings(deeper))
        # a widget's options as the page shows them (format_func applied), and its placeholder: Streamlit's
        # own English one ("Choose an option", "Choose options") while nothing is chosen, unless the page
        # gave one
        shown = getattr(node, "options", None)
        if isinstance(shown, list) and kind in ("selectbox", "multiselect", "radio"):
            found.extend((f"{where} {kind}.options", str(o)) for o in shown)
        if kind in ("selectbox", "multiselect") and not node.proto.placeholder.strip():
            value = node.value
            if value is None or (kind == "multiselect" and not value):
                found.append((f"{where} {kind}.placeholder", "Choose an option"))
        for child_key, child in (getattr(node, "children", None) or {}).items():
            visit(child, f"{where}/{child_key}")

    visit(at.main, "main")
    visit(at.sidebar, "sidebar")
    return found


def _camel(kind: str) -> str:
    head, *rest = kind.split("_")
    return head + "".join(p.title() for p in rest)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _dated(values: Any) -> bool:
    return isinstance(values, list) and any(isinstance(v, str) and _ISO_DAY.match(v) for v in values)


def format_problems(at: Any) -> list[str]:
    """What a kk/ru page would write in English formats though no English word shows: a table number
    the browser writes with a decimal point or without a thousands separator, a date column written
    YYYY-MM-DD, a missing cell written "None"; a chart without the language's separators, a date axis
    or a date hover without a DD.MM.YYYY / MM.YYYY format (Plotly then writes "Jul 2022")."""
    found: list[str] = []
    for frame_element in at.get("dataframe"):
        proto = frame_element.proto
        config = json.loads(proto.columns) if proto.columns else {}
        frame = frame_element.value
        for column in frame.columns:
            cells = frame[column]
            formatted = ((config.get(f"col:{column}") or config.get(str(column)) or {}).get("type_config") or {}) \
                .get("format")
            if pd.api.types.is_float_dtype(cells) and not (cells.dropna() % 1 == 0).all() and not formatted:
                found.append(f"table column {column!r}: decimals written with a point ({cells.dropna().iloc[0]})")
            elif pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells) \
                    and (cells.dropna().abs() >= 1000).any() and not formatted:
                found.append(f"table column {column!r}: thousands without a separator ({cells.max()})")
            elif (pd.api.types.is_datetime64_any_dtype(cells) or any(isinstance(v, dt.date) for v in cells.head(5))) \
                    and formatted != "DD.MM.YYYY":
                found.append(f"table column {column!r}: dates written YYYY-MM-DD")
            if cells.isna().any() and not proto.HasField("placeholder"):
                found.append(f"table column {column!r}: a missing cell written None")
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec.get("layout", {})
        title = str((layout.get("title") or {}).get("text", ""))[:60]
        if not layout.get("separators"):
            found.append(f"chart {title!r}: numbers in English format (no layout.separators)")
        for trace in spec.get("data", []):
            for axis_letter in ("x", "y"):
                if not _dated(trace.get(axis_letter)):
                    continue
                axis_name = f"{axis_letter}axis{str(trace.get(f'{axis_letter}axis', axis_letter))[1:]}"
                axis = layout.get(axis_name) or {}
                if not axis.get("tickformat"):
                    found.append(f"chart {title!r}: {axis_name} prints month names (no tickformat)")
                template = str(trace.get("hovertemplate") or "")
                if f"%{{{axis_letter}}}" in template or (not template and not axis.get("hoverformat")
                                                         and trace.get("hoverinfo") != "text"):
                    found.append(f"chart {title!r}: hover writes {axis_letter} dates with month names")
    return found
