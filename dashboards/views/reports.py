"""Reports page: choose a report, its parameters and language, then download it in each format
it offers. The same catalogue, parameter checks and exporter as `registrar report`, so the
page and the CLI never differ. The student of a student's document is found by the Student page's
search (dashboards/student_picker.py). Every refusal is worded for a person: what is missing is
said before the report is asked for, and a refusal of the reports names the field of this page,
never a command-line option such as `--student` (the CLI keeps its own wording)."""

from __future__ import annotations

import streamlit as st

from dashboards import auth
from dashboards.data import current_scope, warehouse
from dashboards.report_form import audited, for_person, refusal, widgets
from dashboards.ui import data_as_of_line, download
from dashboards.ui import lang as session_lang
from registrar.common.i18n import LANGUAGES, md, t
from registrar.reports import catalog, params, run
from registrar.reports.base import ReportError

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
        "pdf": "application/pdf"}

auth.require_page("reports")  # documents about a named student: the registrar's alone (rules B30)
lang = session_lang()
wh = warehouse()


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
values = widgets(report, first, last, lang, current_scope())
report_lang = st.selectbox(t("reports_language", lang), list(LANGUAGES), format_func=LANGUAGES.__getitem__,
                           index=list(LANGUAGES).index(lang), key="report_lang")

if st.button(t("reports_make", lang), type="primary", key="report_make"):
    st.session_state.pop("report_made", None)
    problem = refusal(report, values, last, lang)
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
                 format=fmt, **audited(values))
