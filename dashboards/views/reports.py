"""Reports page: choose a report, its parameters and language, then download it in each format
it offers. The same catalogue, parameter checks and exporter as `registrar report`, so the
page and the CLI never differ; a refused parameter shows its message."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import auth
from dashboards.data import warehouse
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
        elif param == "student":
            values["student"] = st.text_input(label("reports_student", param), key=key).strip()
        elif param == "faculty":
            faculties = wh.query(f"select faculty_code, name_{lang} as name from main.dim_faculties "  # noqa: S608
                                 "order by faculty_code")
            names = dict(zip(faculties["faculty_code"], faculties["name"], strict=True))
            values["faculty"] = st.selectbox(label("reports_faculty", param), list(names), key=key,
                                             format_func=lambda c, n=names: f"{c} — {n[c]}", index=None)
    return values


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
    try:
        with wh.cursor() as con:
            parsed = params.parse(report, con, lang=report_lang, **values)  # type: ignore[arg-type]
            st.session_state["report_made"] = (name, run.produce(report, parsed, report.formats, con))
    except ReportError as refused:
        st.session_state.pop("report_made", None)
        st.error(md(refused))

made = st.session_state.get("report_made")
if made and made[0] == name:
    produced = made[1]
    st.success(md(next(iter(produced.values())).document.title))
    for column, (fmt, item) in zip(st.columns(len(produced)), produced.items(), strict=True):
        download(column, t("reports_download", lang, fmt=fmt.upper()), lambda data=item.data: data,
                 file_name=item.file_name, mime=MIME[fmt], key=f"report_download_{fmt}", what=f"report:{name}",
                 format=fmt, **_audited(values))
