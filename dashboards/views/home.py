"""Home: what the warehouse holds and as of when, whether its checks passed, and the pages
this user may open."""

from __future__ import annotations

import streamlit as st

from dashboards import auth
from dashboards.data import current_scope, refresh_status, warehouse
from dashboards.queries import home
from dashboards.ui import fmt_date, fmt_int, lang, require_warehouse
from registrar.common.i18n import t

account = auth.require_page("home")
language = lang()
st.header(t("home_heading", language))
require_warehouse()

status = refresh_status(warehouse())
held = home.holdings(current_scope())
dates = home.latest_dates().iloc[0]

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("home_refreshed_at", language), fmt_date(status["refreshed_at"]) if status else "—")
c2.metric(t("home_last_order", language), fmt_date(dates["last_order"]))
c3.metric(t("home_students", language), fmt_int(held["n_students"], language))
c4.metric(t("home_studying", language), fmt_int(held["n_studying"], language))
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("home_terms", language), fmt_int(held["n_terms"], language),
          help=t("home_terms_span", language, first=held["first_year"] or "—", last=held["last_year"] or "—"))
c2.metric(t("home_faculties", language), fmt_int(held["n_faculties"], language))
counts = (status or {}).get("checks", {})
c3.metric(t("checks_passed", language), fmt_int(counts.get("pass", 0), language))
c4.metric(t("checks_warned", language), fmt_int(counts.get("warn", 0), language))
if counts.get("warn"):
    st.warning(t("home_checks_warned", language))
st.page_link("views/status.py", label=t("home_open_status", language), icon=":material/fact_check:")

st.subheader(t("home_pages", language))
for page, title, about, icon in [
    ("attestation", "page_attestation", "home_about_attestation", ":material/grading:"),
    ("student", "page_student", "home_about_student", ":material/person_search:"),
    ("contingent", "page_contingent", "home_about_contingent", ":material/groups:"),
    ("reports", "page_reports", "home_about_reports", ":material/description:"),
]:
    if not auth.may_open(account.role, page):
        continue  # not in this role's menu (a link to it would not open)
    file = f"views/{page}.py"
    st.page_link(file, label=t(title, language), icon=icon)
    st.caption(t(about, language))
