"""Student: find a student by name (Cyrillic or Latin letters), IIN or student ID, or open one
from another page (`st.session_state["student_id"]`, or `?student=ID` in the address); then the
student's card, status history as a timeline of orders, transcript by term with term and
cumulative GPA and credits against the programme's requirement, and debts."""

from __future__ import annotations

import re

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboards import auth, documents, student_picker
from dashboards.data import current_scope
from dashboards.queries import student
from dashboards.ui import chart, empty, fmt_date, fmt_int, fmt_num, fmt_pct, lang, require_warehouse, table
from extract.contract import STUDENT_ID_PATTERN
from registrar.common.i18n import md, t

# One colour per status by its place in seeds/contingent_statuses.csv (sort_order 1, 2, ...), the same in
# every language; a status past the palette is grey.
STATUS_PALETTE = ("#2e7d32", "#00838f", "#ef6c00", "#1565c0", "#c62828")
ACTIONS = {"restudy": "stu_action_restudy", "retake_exam": "stu_action_retake_exam"}

auth.require_page("student")
language = lang()
scope = current_scope()
st.header(t("stu_heading", language))
require_warehouse()


def asked_in_address() -> str | None:
    """`?student=ID` of the address, when it is a student id (the contract's pattern); anything
    else is ignored, so an address carries no text onto the page."""
    asked = st.query_params.get("student")
    return asked if asked and re.fullmatch(STUDENT_ID_PATTERN, asked) else None


def choose() -> str | None:
    """The student to show: one picked from the matches of the search text, else the one another
    page (or this one, earlier) asked for."""
    asked = st.session_state.get("student_id") or asked_in_address()
    return student_picker.pick(scope, language, key="stu_search", pick_key="stu_pick", asked=asked)


def show_card(card: pd.Series) -> None:
    st.subheader(f"{md(card['full_name'])} · {md(card['student_id'])}")
    fields = [("stu_iin", card["iin"]), ("stu_program", f"{card['program_code']} {card['program_name']}"),
              ("stu_faculty", card["faculty_name"]), ("stu_level", card["level_label"]),
              ("stu_group", card["group_code"]), ("stu_course", card["course"]),
              ("stu_status", card["status_label"]), ("stu_funding", card["funding_label"]),
              ("stu_study_form", card["study_form_label"])]
    columns = st.columns(3)
    for i, (key, value) in enumerate(fields):
        shown = "—" if value is None or pd.isna(value) else value
        columns[i % 3].markdown(f"**{t(key, language)}:** {md(shown)}")
    earned, required = card["credits_earned"], card["credits_required"]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("stu_cumulative_gpa", language), fmt_num(card["cumulative_gpa"], language))
    c2.metric(t("stu_credits_earned", language),
              f"{fmt_int(earned, language)} / {fmt_int(required, language)}")
    c3.metric(t("stu_credits_remaining", language), fmt_int(card["credits_remaining"], language))
    c4.metric(t("stu_debts", language), fmt_int(card["n_debts"], language))
    if required and not pd.isna(required):
        share = min(float(earned) / float(required), 1.0)
        st.progress(share, text=t("stu_progress", language, earned=fmt_int(earned, language),
                                  required=fmt_int(required, language), share=fmt_pct(share, language)))
    if isinstance(card["results_history_from"], str):  # the extract starts after this student entered (B8)
        st.caption(t("stu_history_partial", language, year=card["results_history_from"]))


def timeline(periods: pd.DataFrame, orders: pd.DataFrame) -> go.Figure:
    """The status periods as bars on one lane, coloured by status, and each order as a marker on
    a second lane at its effective date."""
    lane_status, lane_orders = t("stu_lane_status", language), t("stu_lane_orders", language)
    bars = periods.assign(lane=lane_status)
    colours = {label: STATUS_PALETTE[int(place) - 1] if 0 < place <= len(STATUS_PALETTE) else "#757575"
               for place, label in zip(bars["sort_order"].fillna(0), bars["status_label"], strict=True)}
    first = min([*bars["valid_from"], *orders["effective_date"]])
    last = max([*bars["drawn_to"], *orders["effective_date"]])
    fig = px.timeline(bars, x_start="valid_from", x_end="drawn_to", y="lane", color="status_label",
                      color_discrete_map=colours, hover_data={"lane": False, "order_no": True, "course": True,
                                                              "group_code": True},
                      labels={"status_label": t("stu_status", language), "order_no": t("stu_col_order_no", language),
                              "course": t("stu_course", language), "group_code": t("stu_group", language),
                              "valid_from": t("stu_axis_date", language), "drawn_to": t("stu_axis_date", language)},
                      title=t("stu_timeline_title", language, first=fmt_date(first), last=fmt_date(last)))
    hover = [f"{t('stu_hover_order', language)} {r.order_no} ({fmt_date(r.order_date)}): {r.movement_label}"
             + (f" — {r.reason_label}" if isinstance(r.reason_label, str) and r.reason_label else "")
             for r in orders.itertuples()]
    fig.add_trace(go.Scatter(x=list(orders["effective_date"]), y=[lane_orders] * len(orders), mode="markers",
                             name=lane_orders, marker={"symbol": "diamond", "size": 12, "color": "#424242"},
                             hovertext=hover, hoverinfo="text"))
    # each status period's hover: its status and dates DD.MM.YYYY (px.timeline's own writes "2022-07-01")
    for trace in fig.data[:-1]:
        trace.update(hovertemplate=f"{trace.name}<br>%{{base|%d.%m.%Y}} – %{{x|%d.%m.%Y}}"
                                   f"<br>{t('stu_col_order_no', language)}: %{{customdata[0]}}"
                                   f"<br>{t('stu_course', language)}: %{{customdata[1]}}"
                                   f"<br>{t('stu_group', language)}: %{{customdata[2]}}<extra></extra>")
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=[lane_orders, lane_status])
    fig.update_xaxes(title=t("stu_axis_date", language))
    fig.update_layout(height=280, legend_title_text=t("stu_status", language), margin={"l": 10, "r": 10})
    return fig


def gpa_chart(terms: pd.DataFrame) -> go.Figure:
    """Term GPA as bars and cumulative GPA as a line, term by term."""
    x = [f"{r.academic_year}<br>{r.term_label}" for r in terms.itertuples()]
    fig = go.Figure([
        go.Bar(x=x, y=terms["term_gpa"], name=t("transcript_col_term_gpa", language), marker_color="#90caf9"),
        go.Scatter(x=x, y=terms["cumulative_gpa"], name=t("transcript_col_cumulative_gpa", language),
                   mode="lines+markers", line={"color": "#0d47a1", "width": 3}),
    ])
    fig.update_layout(title=t("stu_gpa_title", language, first=terms["academic_year"].iloc[0],
                              last=terms["academic_year"].iloc[-1]),
                      height=360, margin={"l": 10, "r": 10},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0})
    fig.update_yaxes(title=t("stu_axis_gpa", language), range=[0, 4.05])
    fig.update_xaxes(title=t("stu_axis_term", language), tickangle=0)
    return fig


chosen = choose()
if not chosen:
    if not st.session_state.get("stu_search", "").strip():
        empty("stu_start")
    st.stop()
chosen = str(chosen)
card = student.card(scope, chosen, language)
if card is None:
    empty("stu_not_found", student=chosen)
    st.stop()
auth.viewed_student(chosen)  # the audit log: who opened which student (rules B30)
st.session_state["student_id"] = chosen  # kept when the user leaves and comes back
st.query_params["student"] = chosen  # the address opens this student again
who = [(t("stu_student_id", language), chosen), (t("transcript_student", language), str(card["full_name"]))]
show_card(card)
documents.buttons(chosen, language)  # transcript, certificate: for the roles that may make them

st.subheader(t("stu_history_heading", language))
periods = student.status_periods(scope, chosen, language)
orders = student.orders(scope, chosen, language)
if orders.empty and periods.empty:
    empty("stu_no_orders")
else:
    chart(timeline(periods, orders), key="stu_timeline", dates="day")
    shown = orders.assign(order_date=orders["order_date"].dt.date, effective_date=orders["effective_date"].dt.date,
                          reason_label=orders["reason_label"].fillna(""))
    table(shown,
          {"order_date": "stu_col_order_date", "order_no": "stu_col_order_no",
           "effective_date": "stu_col_effective_date", "movement_label": "stu_col_movement",
           "reason_label": "stu_col_reason", "status_after_label": "stu_col_status_after",
           "course_after": "stu_col_course_after"},
          title_key="stu_orders_title", filters=who, key="stu_orders")

st.subheader(t("stu_transcript_heading", language))
terms = student.terms(scope, chosen, language)
if terms.empty:
    empty("stu_no_grades")
else:
    chart(gpa_chart(terms), key="stu_gpa")
    table(terms, {"academic_year": "transcript_col_academic_year", "term_label": "transcript_col_term",
                  "credits_attempted": "transcript_col_credits_attempted",
                  "credits_earned": "transcript_col_credits_earned", "term_gpa": "transcript_col_term_gpa",
                  "cumulative_gpa": "transcript_col_cumulative_gpa",
                  "cumulative_credits_earned": "transcript_col_cumulative_credits_earned",
                  "n_debts": "stu_col_term_debts"},
          title_key="stu_terms_title", filters=who, key="stu_terms", digits={"term_gpa": 2, "cumulative_gpa": 2})
    lines = student.transcript(scope, chosen, language)
    lines["retaken"] = lines["is_superseded_later"].map({True: t("stu_yes", language)}).fillna("")
    table(lines, {"academic_year": "transcript_col_academic_year", "term_label": "transcript_col_term",
                  "discipline_code": "transcript_col_discipline_code", "discipline_name": "transcript_col_discipline",
                  "credits": "transcript_col_credits", "final_score": "transcript_col_final_score",
                  "letter_grade": "transcript_col_letter_grade", "grade_points": "transcript_col_grade_points",
                  "traditional_grade": "transcript_col_traditional_grade", "retaken": "stu_col_retaken"},
          title_key="stu_transcript_title", filters=who, key="stu_transcript",
          digits={"grade_points": 2, "final_score": 1})  # a P grade has no points: a dash

st.subheader(t("stu_debts_heading", language))
debts = student.debts(scope, chosen, language)
if debts.empty:
    empty("stu_no_debts")
else:
    debts["action"] = debts["required_action"].map(lambda a: t(ACTIONS[a], language) if a in ACTIONS else a)
    table(debts, {"discipline_code": "transcript_col_discipline_code", "discipline_name": "transcript_col_discipline",
                  "credits": "transcript_col_credits", "letter_grade": "transcript_col_letter_grade",
                  "action": "stu_col_required_action", "since_academic_year": "stu_col_since_year",
                  "since_term_label": "stu_col_since_term", "n_failed_attempts": "stu_col_failed_attempts"},
          title_key="stu_debts_title", filters=who, key="stu_debts")
