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
from dashboards.report_form import MIME, audited, choose, make_on_click, widgets
from dashboards.ui import download, require_warehouse
from dashboards.ui import lang as session_lang
from registrar.common.i18n import LANGUAGES, md, t
from registrar.reports import catalog, params, run

auth.require_page("reports")  # documents about a named student: the registrar's alone (rules B30)
lang = session_lang()
wh = warehouse()


st.header(t("reports_heading", lang))
require_warehouse()

catalogue = catalog.reports()
name, report = choose(catalogue, lang, label_key="reports_choose", key="report_name")
with wh.cursor() as con:
    first, last = params.data_span(con)
values = widgets(report, first, last, lang, current_scope())
report_lang = st.selectbox(t("reports_language", lang), list(LANGUAGES), format_func=LANGUAGES.__getitem__,
                           index=list(LANGUAGES).index(lang), key="report_lang")

make_on_click(report, values, last, lang, button=t("reports_make", lang), key="report_make", state_key="report_made",
              build=lambda con, parsed: (name, run.produce(report, parsed, report.formats, con)),
              report_lang=report_lang)

made = st.session_state.get("report_made")
if made and made[0] == name:
    produced = made[1]
    st.success(md(next(iter(produced.values())).document.title))
    for column, (fmt, item) in zip(st.columns(len(produced)), produced.items(), strict=True):
        download(column, t("reports_download", lang, fmt=fmt.upper()), lambda data=item.data: data,
                 file_name=item.file_name, mime=MIME[fmt], key=f"report_download_{fmt}", what=f"report:{name}",
                 format=fmt, **audited(values))
