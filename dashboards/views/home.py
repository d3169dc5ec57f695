"""Home: the role's landing (issue 23, point 10). What changed since the previous refresh, what
needs this user's attention (a dean: debtors and late grade sheets; the registrar: the checks'
warnings and the reports due this month; an advisor: advisees with debts), each with a link to
where it is dealt with, an advisor's own advisees; then what the warehouse holds and the pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboards import auth
from dashboards.data import current_scope, refresh_status, warehouse
from dashboards.queries import home
from dashboards.ui import data_as_of, fmt_date, fmt_int, lang, require_warehouse, table
from registrar.common.i18n import t
from registrar.common.paths import Home
from registrar.pipeline import history

account = auth.require_page("home")
language = lang()
scope = current_scope()
st.header(t("home_heading", language))
require_warehouse()

status = refresh_status(warehouse())
counts = (status or {}).get("checks", {})
now = data_as_of()


def previous_extract_date() -> dt.date | None:
    """The extract date of the run published before the one being served (history of the home)."""
    kept = history.runs(Home.from_env())
    at = next((i for i, r in enumerate(kept) if r.current), None)
    if at is None or at + 1 >= len(kept):
        return None
    raw = kept[at + 1].figures.get("extract_date")
    return dt.date.fromisoformat(str(raw)[:10]) if raw else None


def delta(now_value: int, then_value: int) -> str | None:
    change = now_value - then_value
    # Streamlit draws the arrow from the text's first character: an ASCII minus points it down
    return None if change == 0 else f"{'+' if change > 0 else '-'}{fmt_int(abs(change), language)}"


# --- since the previous refresh -----------------------------------------------------------------
st.subheader(t("home_since_heading", language))
previous = previous_extract_date()
if now is None or previous is None:
    st.caption(t("home_since_first", language))
elif previous >= now:
    st.caption(t("home_since_nothing", language, date=fmt_date(previous)))
else:
    gained = home.since(scope, previous, now)
    st.caption(t("home_since_span", language, then=fmt_date(previous), now=fmt_date(now)))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("home_since_headcount", language, date=fmt_date(now)), fmt_int(gained["headcount_now"], language),
              delta=delta(gained["headcount_now"], gained["headcount_then"]), delta_color="off",
              help=t("home_since_headcount_help", language, then=fmt_date(previous)))
    c2.metric(t("home_since_orders", language), fmt_int(gained["new_orders"], language))
    c3.metric(t("home_since_results", language), fmt_int(gained["new_results"], language))

# --- what needs attention -------------------------------------------------------------------------
st.subheader(t("home_attention_heading", language))
role = account.role
shown_any = False
if role in ("dean", "registrar", "management") and auth.may_open(role, "attestation"):
    owing = home.owing_today(scope)
    late = home.late_grade_sheets(scope, language)
    st.markdown(t("home_attention_debtors", language, n=fmt_int(owing, language),
                  date=fmt_date(now) if now else "—"))
    if late.get("academic_year") and not pd.isna(late["n_late"]):
        st.markdown(t("home_attention_late", language, n=fmt_int(int(late["n_late"]), language),
                      year=late["academic_year"], term=late["term"]))
    st.page_link("views/attestation.py", label=t("home_open_attestation", language), icon=":material/grading:")
    shown_any = True
if role == "registrar":
    if counts.get("warn"):
        st.warning(t("home_checks_warned", language))
    today = dt.date.today()
    due, census = home.next_due(today)
    rows = sorted([(due, t("home_due_state_grants", language)), (census, t("home_due_census", language))])
    for day, what in rows:
        key = "home_due_this_month" if (day.year, day.month) == (today.year, today.month) else "home_due_next"
        st.markdown(t(key, language, what=what, date=fmt_date(day)))
    st.page_link("views/reports.py", label=t("home_open_reports", language), icon=":material/description:")
    st.page_link("views/status.py", label=t("home_open_status", language), icon=":material/fact_check:")
    shown_any = True
if role == "advisor":
    advisees = home.advisees(scope, language)
    owing = advisees[advisees["n_owed"] > 0]
    st.markdown(t("home_attention_advisees", language, n=fmt_int(len(owing), language),
                  total=fmt_int(len(advisees), language)))
    shown_any = True
    st.subheader(t("home_my_advisees", language))
    if advisees.empty:
        st.info(t("home_no_advisees", language))
    else:
        table(advisees, {"student_id": "home_col_student_id", "full_name": "home_col_full_name",
                         "group_code": "home_col_group", "status": "home_col_status",
                         "cumulative_gpa": "home_col_gpa", "n_owed": "home_col_owed"},
              title_key="home_my_advisees", filters=[], key="home_advisees", digits={"cumulative_gpa": 2})
        names = dict(zip(advisees["student_id"], advisees["full_name"] + " (" + advisees["student_id"] + ")",
                         strict=True))
        c1, c2 = st.columns([3, 1])
        chosen = c1.selectbox(t("home_choose_advisee", language), list(names), format_func=names.get,
                              key="home_advisee_pick")
        c2.write("")
        if c2.button(t("home_open_student", language), key="home_open_student", icon=":material/person_search:"):
            st.session_state["student_id"] = chosen
            st.switch_page("views/student.py")
if not shown_any:
    st.caption(t("home_attention_none", language))

# --- what the warehouse holds -----------------------------------------------------------------------
st.subheader(t("home_holdings_heading", language))
held = home.holdings(scope)
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
c3.metric(t("checks_passed", language), fmt_int(counts.get("pass", 0), language))
c4.metric(t("checks_warned", language), fmt_int(counts.get("warn", 0), language))

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
