"""Reports page: choose a report, its parameters and language, then download it in each format
it offers. The same catalogue, parameter checks and exporter as `registrar report`, so the
page and the CLI never differ. The student of a student's document is found by the Student page's
search (dashboards/student_picker.py). Every refusal is worded for a person: what is missing is
said before the report is asked for, and a refusal of the reports names the field of this page,
never a command-line option such as `--student` (the CLI keeps its own wording)."""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st

from dashboards import auth, student_picker
from dashboards.data import current_scope, warehouse
from dashboards.ui import data_as_of_line, download
from dashboards.ui import lang as session_lang
from registrar.common.i18n import LANGUAGES, md, t
from registrar.reports import catalog, params, run
from registrar.reports.base import Param, Report, ReportError
from registrar.reports.params import quarter_bounds

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
        "pdf": "application/pdf"}

auth.require_page("reports")  # documents about a named student: the registrar's alone (rules B30)
lang = session_lang()
wh = warehouse()


def quarters(first: dt.date, last: dt.date) -> list[str]:
    """Every quarter the data touches that ends by its last date, newest first: the first offered is
    the last complete quarter (a later one is refused by params.parse)."""
    found = [f"{y}Q{q}" for y in range(first.year, last.year + 1) for q in range(1, 5)]
    return [q for q in reversed(found) if quarter_bounds(q)[1] >= first and quarter_bounds(q)[1] <= last]


def widgets(report: Report, first: dt.date, last: dt.date) -> dict[str, object]:
    """One input per parameter the report takes; optional ones may stay empty."""
    values: dict[str, object] = {}
    required = set(report.required)
    if {"year", "term"} & {*report.required, *report.optional}:
        with wh.cursor() as con:
            years = [r[0] for r in con.execute("select distinct academic_year from main.dim_terms "
                                               "order by academic_year desc").fetchall()]
            term_labels = dict(con.execute(f"select term, any_value(label_{lang}) from main.dim_terms "  # noqa: S608
                                           "where term_order is not null group by term "
                                           "order by min(term_order)").fetchall())
            default_year, default_term = params.latest_graded_term(con) or (None, None)

    def label(key: str, param: Param) -> str:
        return t(key, lang) + ("" if param in required else f" ({t('reports_optional', lang)})")

    for param in (*report.required, *report.optional):
        key = f"report_{report.name}_{param}"
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
            values["student"] = student_picker.pick(current_scope(), lang, key=key, pick_key=f"{key}_pick",
                                                    label_key="reports_student") or ""
        elif param == "faculty":
            faculties = wh.query(f"select faculty_code, name_{lang} as name from main.dim_faculties "  # noqa: S608
                                 "order by faculty_code")
            names = dict(zip(faculties["faculty_code"], faculties["name"], strict=True))
            values["faculty"] = st.selectbox(label("reports_faculty", param), list(names), key=key,
                                             format_func=lambda c, n=names: f"{c} — {n[c]}", index=None)
    return values


# The field of this page each command-line option of params.py stands for, longest first.
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
    """A refusal of the reports (written in `language`) as this page says it: each command-line
    option becomes the name of its field, and a date is written DD.MM.YYYY."""
    def field(found: re.Match[str]) -> str:
        key = FIELDS.get(found.group(0))
        return t("reports_field_quoted", language, field=t(key, language)) if key else ""

    return _ISO_DATE.sub(r"\3.\2.\1", _FLAG.sub(field, message))


def refusal(report: Report, values: dict[str, object], last: dt.date) -> str | None:
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


def _audited(values: dict[str, object]) -> dict[str, str]:
    """The report's parameters as the audit log keeps them (dates as text)."""
    return {k: str(v) for k, v in values.items() if v not in (None, "")}


st.header(t("reports_heading", lang))
if not wh.available:
    st.info(t("no_warehouse", lang))
    st.stop()
data_as_of_line()

catalogue = catalog.reports()
name = st.selectbox(t("reports_choose", lang), list(catalogue), key="report_name",
                    format_func=lambda n: t(catalogue[n].title_key, lang))
report = catalogue[name]
st.caption(t(report.description_key, lang))
with wh.cursor() as con:
    first, last = params.data_span(con)
values = widgets(report, first, last)
report_lang = st.selectbox(t("reports_language", lang), list(LANGUAGES), format_func=LANGUAGES.__getitem__,
                           index=list(LANGUAGES).index(lang), key="report_lang")

if st.button(t("reports_make", lang), type="primary", key="report_make"):
    st.session_state.pop("report_made", None)
    problem = refusal(report, values, last)
    if problem:
        st.error(md(problem))
    else:
        try:
            with wh.cursor() as con:
                parsed = params.parse(report, con, lang=report_lang, **values)  # type: ignore[arg-type]
                st.session_state["report_made"] = (name, run.produce(report, parsed, report.formats, con))
        except ReportError as refused:
            st.error(md(for_person(str(refused), report_lang)))

made = st.session_state.get("report_made")
if made and made[0] == name:
    produced = made[1]
    st.success(md(next(iter(produced.values())).document.title))
    for column, (fmt, item) in zip(st.columns(len(produced)), produced.items(), strict=True):
        download(column, t("reports_download", lang, fmt=fmt.upper()), lambda data=item.data: data,
                 file_name=item.file_name, mime=MIME[fmt], key=f"report_download_{fmt}", what=f"report:{name}",
                 format=fmt, **_audited(values))
