"""The parameter fields of a report, shared by the Reports page and the Lists page: one input per
parameter the report takes, and the refusals said before the report is asked for, in the words of
the page (a field's name, never a command-line option such as `--student`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import duckdb
import streamlit as st

from dashboards import student_picker
from dashboards.data import Scope, warehouse
from registrar.common.i18n import md, t
from registrar.reports import params
from registrar.reports.base import Param, Report, ReportError, ReportParams
from registrar.reports.params import quarter_bounds

# The media type of each format a report is downloaded in.
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
        "pdf": "application/pdf"}


def choose(catalogue: dict[str, Report], lang: str, *, label_key: str, key: str) -> tuple[str, Report]:
    """The report picked from `catalogue` (offered by its translated title), with its description under it."""
    name = st.selectbox(t(label_key, lang), list(catalogue), key=key,
                        format_func=lambda n: t(catalogue[n].title_key, lang))
    report = catalogue[name]
    st.caption(t(report.description_key, lang))
    return name, report


def quarters(first: dt.date, last: dt.date) -> list[str]:
    """Every quarter the data touches that ends by its last date, newest first: the first offered is
    the last complete quarter (a later one is refused by params.parse)."""
    found = [f"{y}Q{q}" for y in range(first.year, last.year + 1) for q in range(1, 5)]
    return [q for q in reversed(found) if quarter_bounds(q)[1] >= first and quarter_bounds(q)[1] <= last]


def widgets(report: Report, first: dt.date, last: dt.date, lang: str, scope: Scope, *,
            key_prefix: str = "report", forced_faculties: tuple[str, ...] | None = None) -> dict[str, object]:
    """One input per parameter the report takes; optional ones may stay empty. With
    `forced_faculties` (a dean's faculties on the Lists page) the faculty is one of them, never empty."""
    wh = warehouse()
    values: dict[str, object] = {}
    required = set(report.required)
    if {"year", "term"} & {*report.required, *report.optional}:
        with wh.cursor() as con:
            years = params.academic_years(con)
            term_labels = params.term_labels(con, lang)
            default_year, default_term = params.latest_graded_term(con) or (None, None)

    def label(key: str, param: Param) -> str:
        return t(key, lang) + ("" if param in required else f" ({t('reports_optional', lang)})")

    for param in (*report.required, *report.optional):
        key = f"{key_prefix}_{report.name}_{param}"
        if param == "as_of":
            values["as_of"] = st.date_input(label("reports_as_of", param), value=last if param in required else None,
                                            min_value=first, key=key, format="DD.MM.YYYY")
        elif param == "quarter":
            values["quarter"] = st.selectbox(label("reports_quarter", param), quarters(first, last), key=key,
                                             index=0 if param in required else None)
        elif param == "period":
            c1, c2 = st.columns(2)
            values["date_from"] = c1.date_input(label("reports_from", param), value=None, min_value=first,
                                                key=f"{key}_from", format="DD.MM.YYYY")
            values["date_to"] = c2.date_input(label("reports_to", param), value=None, min_value=first,
                                              key=f"{key}_to", format="DD.MM.YYYY")
        elif param == "year":
            values["year"] = st.selectbox(label("reports_year", param), years, key=key,
                                          index=years.index(default_year) if default_year in years else 0)
        elif param == "term":
            term_options = list(term_labels)
            values["term"] = st.selectbox(label("reports_term", param), term_options, key=key,
                                          format_func=term_labels.__getitem__,
                                          index=term_options.index(default_term) if default_term in term_options
                                          else None)
        elif param == "student":
            values["student"] = student_picker.pick(scope, lang, key=key, pick_key=f"{key}_pick",
                                                    label_key="reports_student") or ""
        elif param == "faculty":
            with wh.cursor() as con:
                names = params.faculty_names(con, lang)
            if forced_faculties is None:
                values["faculty"] = st.selectbox(label("reports_faculty", param), list(names), key=key,
                                                 format_func=lambda c, n=names: f"{c} — {n[c]}", index=None)
            else:
                options = [c for c in names if c in forced_faculties]
                values["faculty"] = st.selectbox(t("reports_faculty", lang), options, key=key, index=0,
                                                 format_func=lambda c, n=names: f"{c} — {n[c]}")
    return values


# The field of a page each command-line option of params.py stands for, longest first.
FIELDS = {"--from/--to": "reports_field_period", "--as-of": "reports_as_of", "--quarter": "reports_quarter",
          "--from": "reports_from", "--to": "reports_to", "--student": "reports_field_student",
          "--faculty": "reports_faculty", "--year": "reports_year", "--term": "reports_term"}
_FLAG = re.compile("|".join(re.escape(flag) for flag in FIELDS) + r"|--(?=[a-z])")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MISSING = {"as_of": "reports_err_missing_as_of", "quarter": "reports_err_missing_quarter",
           "period": "reports_err_missing_period", "student": "reports_err_missing_student",
           "faculty": "reports_err_missing_faculty", "year": "reports_err_missing_year",
           "term": "reports_err_missing_term"}


def for_person(message: str, language: str) -> str:
    """A refusal of the reports (written in `language`) as a page says it: each command-line
    option becomes the name of its field, and a date is written DD.MM.YYYY."""
    def field(found: re.Match[str]) -> str:
        key = FIELDS.get(found.group(0))
        return t("reports_field_quoted", language, field=t(key, language)) if key else ""

    return _ISO_DATE.sub(r"\3.\2.\1", _FLAG.sub(field, message))


def refusal(report: Report, values: dict[str, object], last: dt.date, lang: str) -> str | None:
    """What is missing or wrong in the fields, said before the report is asked for (else None)."""
    for param in report.required:
        given = (values.get("date_from"), values.get("date_to")) if param == "period" else (values.get(param),)
        if all(v in (None, "") for v in given):
            return t(MISSING[param], lang)
    start, end = values.get("date_from"), values.get("date_to")
    if (start is None) != (end is None):
        return t("reports_err_period_half", lang)
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if start > end:
            return t("reports_err_period_order", lang, start=f"{start:%d.%m.%Y}", end=f"{end:%d.%m.%Y}")
        if start > last:
            return t("reports_err_period_after_data", lang, start=f"{start:%d.%m.%Y}", last=f"{last:%d.%m.%Y}")
    return None


def audited(values: dict[str, object]) -> dict[str, str]:
    """A report's parameters as the audit log keeps them (dates as text)."""
    return {k: str(v) for k, v in values.items() if v not in (None, "")}


def make_on_click(report: Report, values: dict[str, object], last: dt.date, lang: str, *, button: str, key: str,
                  state_key: str, build: Callable[[duckdb.DuckDBPyConnection, ReportParams], object],
                  report_lang: str | None = None) -> None:
    """The page's make button: when clicked, forget what was made before, then say what is missing or
    wrong in the fields, or parse them (in `report_lang`, else the page's language) and keep what
    `build` makes of the report in `st.session_state[state_key]`; a refusal of the reports is said in
    the words of the page (for_person)."""
    if not st.button(button, type="primary", key=key):
        return
    st.session_state.pop(state_key, None)
    problem = refusal(report, values, last, lang)
    if problem:
        st.error(md(problem))
        return
    language = report_lang or lang
    try:
        with warehouse().cursor() as con:
            parsed = params.parse(report, con, lang=language, **values)  # type: ignore[arg-type]
            st.session_state[state_key] = build(con, parsed)
    except ReportError as refused:
        st.error(md(for_person(str(refused), language)))
