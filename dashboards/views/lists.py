"""Lists page: the lists the office acts on (every report with `on_lists_page`), on screen and to
download, each cut to the reader (issue 18, rules B30): a dean sees their faculty (chosen for
them where the list takes one), an advisor their advisees, the registrar everything, management
every row with student names and ids masked; a viewer has no such page. The parameter fields
are the Reports page's own (dashboards/report_form.py); the cut is dashboards/queries/lists.py."""

from __future__ import annotations

import streamlit as st

from dashboards import auth
from dashboards.data import current_scope, warehouse
from dashboards.queries import lists
from dashboards.report_form import MIME, audited, choose, make_on_click, widgets
from dashboards.ui import download, fmt_int, refreshed_at, require_warehouse
from dashboards.ui import lang as session_lang
from registrar.common.i18n import md, t
from registrar.reports import catalog, export, params

auth.require_page("lists")
lang = session_lang()
scope = current_scope()
wh = warehouse()

st.header(t("lists_page_heading", lang))
require_warehouse()

catalogue = {name: report for name, report in catalog.reports().items() if report.on_lists_page}
name, report = choose(catalogue, lang, label_key="lists_page_choose", key="lists_name")
if scope.faculties is not None:
    st.caption(t("lists_page_scoped", lang))
elif not scope.personal_data:
    st.caption(t("lists_page_masked", lang))
with wh.cursor() as con:
    first, last = params.data_span(con)
values = widgets(report, first, last, lang, scope, key_prefix="lists", forced_faculties=scope.faculties)

make_on_click(report, values, last, lang, button=t("lists_page_show", lang), key="lists_show", state_key="lists_made",
              build=lambda con, parsed: (name, lists.scoped(report.build(con, parsed), scope,
                                                             lists.visible_students(scope), lang), parsed))

made = st.session_state.get("lists_made")
if made and made[0] == name:
    _, document, parsed = made
    st.subheader(md(document.title))
    if not document.sections:
        st.info(t("lists_page_nothing_in_scope", lang))
    for number, section in enumerate(document.sections):
        if section.heading:
            st.markdown(f"**{md(section.heading)}**")
        st.caption(t("lists_page_rows", lang, n=fmt_int(len(section.frame), lang)))
        st.dataframe(section.frame, hide_index=True, key=f"lists_table_{number}")
    when = refreshed_at()
    buttons = st.container(horizontal=True)
    for fmt in report.formats:
        download(buttons, t("reports_download", lang, fmt=fmt.upper()),
                 lambda fmt=fmt: export.render(document, fmt, parsed, when),
                 file_name=export.default_file_name(document, fmt), mime=MIME[fmt], key=f"lists_download_{fmt}",
                 what=f"list:{name}", format=fmt, **audited(values))
