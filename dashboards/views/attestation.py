"""Attestation (deans): a session's results for a faculty, narrowed by programme, course, group,
discipline, teacher, form and language: headline numbers against the same term a year earlier,
letters, a discipline × group heatmap, the weakest disciplines and teachers, the trend, the
debtors (each opens the student view) and the final attestation of the year."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import auth, ui
from dashboards.data import current_scope
from dashboards.queries import attestation as q
from dashboards.ui import (
    chart,
    data_as_of,
    empty,
    fmt_date,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_rate,
    lang,
    require_warehouse,
    small_cell_min,
    table,
)
from registrar.common.i18n import md, t

HEATMAP_MAX = 25  # disciplines and groups shown in the heatmap (the ones with the most results)
HEATMAP_TEXT_MAX = 12  # up to this many groups each cell prints its rate; beyond, only the small-base mark
RANKED = 10  # rows of each "weakest" table

account = auth.require_page("attestation")
language = lang()
scope = current_scope()
st.header(t("att_heading", language))
require_warehouse()
st.caption(t("att_intro", language))
if not q.available():
    empty("att_needs_refresh")
    st.stop()



def viewer_page() -> None:
    """A viewer's page (rules B30, issue 21): one published table per session and dimension, chosen from
    what rpt_viewer_attestation holds; no other filter, so no total or rate the table does not show."""
    published = q.viewer_sessions(language)
    if published.empty:
        empty("att_empty_nothing")
        return
    labels = {(y, tm): t("att_session_label", language, year=y, term=lab if isinstance(lab, str) else tm)
              for y, tm, lab in zip(published["academic_year"], published["term"], published["term_label"],
                                    strict=True)}
    c1, c2 = st.columns(2)
    chosen = c1.selectbox(t("att_term", language), list(labels), key="att_viewer_session", format_func=labels.get)
    dimension = c2.selectbox(t("att_viewer_breakdown", language), q.viewer_dimensions(), key="att_viewer_dimension",
                             format_func=lambda d: t(f"att_{d}", language))
    st.caption(t("att_viewer_note", language, n=scope.min_cell))
    found = q.viewer_results(chosen[0], chosen[1], dimension, language)
    found["faculty"] = found["faculty"].fillna(t("att_all", language))
    found["label"] = found["label"].fillna(t("att_viewer_total", language))
    found["graded"] = found["n_graded"]
    for rate in ("success_rate", "quality_rate"):
        found[rate] = (found[rate] * 100).round(1)  # a suppressed rate stays empty: a dash
    table(found, {"faculty": "att_faculty", "label": f"att_{dimension}", "graded": "att_col_n",
                  "success_rate": "att_col_success_pct", "quality_rate": "att_col_quality_pct"},
          title_key="att_viewer_table", key="att_viewer", digits={"success_rate": 1, "quality_rate": 1},
          filters=[(t("att_term", language), labels[chosen]), (t("att_viewer_breakdown", language),
                                                               t(f"att_{dimension}", language))])


if scope.min_cell > 0:  # a viewer reads the published tables only (rules B30)
    viewer_page()
    st.stop()

sessions = q.sessions(scope, language)
if sessions.empty:
    empty("att_empty_nothing")
    st.stop()


def keep_valid(key: str, allowed: list[Any]) -> None:
    """A choice the new options no longer hold (another term, faculty…) falls back to the first."""
    if key in st.session_state and st.session_state[key] not in allowed:
        del st.session_state[key]


def choice(column: Any, label_key: str, codes: list[Any], labels: dict[Any, str], key: str) -> Any:
    options = [None, *codes]
    keep_valid(key, options)
    ui.from_address(key, options)
    picked = column.selectbox(t(label_key, language), options, key=key,
                              format_func=lambda c: t("att_all", language) if c is None else labels.get(c, str(c)))
    ui.to_address(key, picked)
    return picked


# --- the session and the faculty -------------------------------------------------------------
years = list(dict.fromkeys(sessions["academic_year"]))
c1, c2, c3 = st.columns([1, 1, 2])
keep_valid("att_year", years)
ui.from_address("att_year", years)
year = c1.selectbox(t("att_year", language), years, key="att_year")
ui.to_address("att_year", year)
in_year = sessions[sessions["academic_year"] == year]
term_labels = dict(zip(in_year["term"], in_year["term_label"].fillna(in_year["term"]), strict=True))
keep_valid("att_term", list(term_labels))
ui.from_address("att_term", list(term_labels))
term = c2.selectbox(t("att_term", language), list(term_labels), key="att_term", format_func=term_labels.get)
ui.to_address("att_term", term)
session_label = t("att_session_label", language, year=year, term=term_labels[term])
faculty_list = q.faculties(scope, language)
faculty = choice(c3, "att_faculty", faculty_list["code"].tolist(),
                 dict(zip(faculty_list["code"], faculty_list["name"], strict=True)), "att_faculty")
filters = q.Filters(year, term, faculty=faculty)

# --- the optional filters, each offering the values of the session, faculty and programme ---
row1, row2 = st.columns(4), st.columns(4)
slots = {"program": row1[0], "course": row1[1], "group": row1[2], "discipline": row1[3], "teacher": row2[0],
         "study_form": row2[1], "study_language": row2[2]}
shown_filters: list[tuple[str, str]] = [(t("att_year", language), year), (t("att_term", language), term_labels[term]),
                                        (t("att_faculty", language), dict(zip(faculty_list["code"],
                                         faculty_list["name"], strict=True)).get(faculty, t("att_all", language)))]
for dim in q.DIMENSIONS:
    found = q.options(scope, filters, dim, language)
    labels = dict(zip(found["code"], found["label"], strict=True))
    picked = choice(slots[dim], f"att_{dim}", found["code"].tolist(), labels, f"att_f_{dim}")
    filters = replace(filters, **{dim: picked})
    if picked is not None:
        shown_filters.append((t(f"att_{dim}", language), labels.get(picked, str(picked))))
narrowed = any(getattr(filters, d) is not None for d in q.DIMENSIONS)

# only the open tab computes and draws (ui.open_tabs): a tab nobody opened runs no query and draws no chart
opened, tabs = ui.open_tabs("att_tab", {"session": t("att_tab_session", language),
                                        "debtors": t("att_tab_debtors", language),
                                        "final": t("att_tab_final", language)})


def delta_pp(now: float | None, before: float | None) -> str | None:
    return None if before is None or pd.isna(before) or now is None or pd.isna(now) else \
        f"{'+' if now >= before else '-'}{fmt_num(abs(now - before) * 100, language, 1)} {t('att_pp', language)}"


def delta_count(now: float, before: float | None, digits: int = 0) -> str | None:
    if before is None or pd.isna(before) or pd.isna(now):
        return None
    text = fmt_int(abs(now - before), language) if digits == 0 else fmt_num(abs(now - before), language, digits)
    return f"{'+' if now >= before else '-'}{text}"


def headline(now: dict[str, Any], before: dict[str, Any] | None) -> None:
    prev = before or {}
    help_text = t("att_delta_help", language, session=t("att_session_label", language,
                  year=prev.get("academic_year"), term=term_labels[term])) if before else t("att_no_before", language)
    # a rate's base (rules B29) goes in its label: "Success rate (n = 1 104)", marked when too few
    base = fmt_rate(0, now["n_graded"], language).split(" ", 2)[-1]
    cells = st.columns(4)
    cells[0].metric(t("att_graded", language), fmt_int(now["n_graded"], language),
                    delta_count(now["n_graded"], prev.get("n_graded")), delta_color="off", help=help_text)
    cells[1].metric(f"{t('att_success', language)} {base}", fmt_pct(now["success_rate"], language),
                    delta_pp(now["success_rate"], prev.get("success_rate")), help=help_text)
    cells[2].metric(f"{t('att_quality', language)} {base}", fmt_pct(now["quality_rate"], language),
                    delta_pp(now["quality_rate"], prev.get("quality_rate")), help=help_text)
    cells[3].metric(t("att_mean_score", language), fmt_num(now["mean_final_score"], language, 1),
                    delta_count(now["mean_final_score"], prev.get("mean_final_score"), 1), help=help_text)
    # one metric per failing letter of the scale in use (FX and F on the 2018 scale), then the debtors
    failing = q.failing_letters()
    cells = st.columns(max(4, len(failing) + 2))
    for cell, (letter, column) in zip(cells, failing, strict=False):
        cell.metric(t("att_letter_results", language, letter=letter), fmt_int(now[column], language),
                    delta_count(now[column], prev.get(column)), delta_color="inverse", help=help_text)
    cells[len(failing)].metric(t("att_debtors", language), fmt_int(now["n_debtors"], language),
                    delta_count(now["n_debtors"], prev.get("n_debtors")), delta_color="inverse",
                    help=t("att_debtors_help", language) + " " + help_text)
    # the debtors list's own count beside it, each with its definition (issue 23 point 3)
    cells[len(failing) + 1].metric(t("att_debtors_today", language, date=owing_on), fmt_int(owing, language),
                                   help=t("att_debtors_today_help", language, date=owing_on))


def letters_figure(found: pd.DataFrame, title: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=found["letter"], y=found["n"], marker_color="#1f6fb2",
                           hovertemplate="%{x}: %{y}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title=t("att_letter", language), yaxis_title=t("att_n_results", language),
                      height=340, margin={"t": 70, "b": 40}, title_font_size=14)
    fig.update_xaxes(type="category")
    return fig


def heatmap_figure(cells: pd.DataFrame, measure: str) -> tuple[go.Figure, int, int]:
    """Rates of the cells (the disciplines and groups with the most results), weakest groups and
    disciplines first (top left); a cell resting on fewer students than the small-cell minimum is
    grey, with no colour of its rate, and marked with *."""
    kept = cells.assign(group=cells["group_code"].fillna(t("att_no_group", language)))
    numerator = {"success": "n_passed", "quality": "n_quality"}[measure]
    rate = kept.pivot_table(index="discipline_name", columns="group", values=f"{measure}_rate", aggfunc="first")
    base = kept.pivot_table(index="discipline_name", columns="group", values="n_graded", aggfunc="first")

    def weakest_first(by: str) -> list[str]:
        # each group's (discipline's) rate over its shown cells; ties by name, so the order is stable
        sums = kept.groupby(by)[[numerator, "n_graded"]].sum()
        return sorted(sums.index, key=lambda k: (sums.at[k, numerator] / max(sums.at[k, "n_graded"], 1), str(k)))

    rate = rate.reindex(index=weakest_first("discipline_name"), columns=weakest_first("group"))
    base = base.reindex_like(rate)
    few = small_cell_min()
    small = base.fillna(0).to_numpy() < few
    # the rate in each cell while cells are wide enough to read it; always the * of a small base
    readable = len(rate.columns) <= HEATMAP_TEXT_MAX

    def cell(r: float, n: float) -> str:
        mark = "*" if n < few else ""
        return "" if pd.isna(r) else (f"{r * 100:.0f}{mark}" if readable and not mark else mark)

    text = [[cell(r, n) for r, n in zip(rr, nn, strict=True)]
            for rr, nn in zip(rate.to_numpy(), base.fillna(0).to_numpy(), strict=True)]
    measure_label = t(f"att_{measure}", language)
    z = rate.to_numpy() * 100
    hover_n = f"n = %{{customdata}} {t('att_hover_n', language)}"
    fig = go.Figure(go.Heatmap(
        z=np.where(small, np.nan, z), x=list(rate.columns), y=list(rate.index), text=text, texttemplate="%{text}",
        customdata=base.fillna(0).to_numpy(), colorscale="RdYlGn", zmin=0, zmax=100, xgap=1, ygap=1,
        colorbar={"title": "%"}, hoverongaps=False,
        hovertemplate=f"%{{y}}<br>%{{x}}<br>{measure_label}: %{{z:.1f}} %<br>{hover_n}<extra></extra>"))
    # the small cells, one grey: a rate of two students is not coloured like a full group's
    fig.add_trace(go.Heatmap(
        z=np.where(small & ~np.isnan(z), 1.0, np.nan), x=list(rate.columns), y=list(rate.index), text=text,
        texttemplate="%{text}", customdata=base.fillna(0).to_numpy(), colorscale=[[0, "#c8c8c8"], [1, "#c8c8c8"]],
        showscale=False, xgap=1, ygap=1, hoverongaps=False,
        hovertemplate=f"%{{y}}<br>%{{x}}<br>{t('att_small_cell', language, min=few)}<br>{hover_n}<extra></extra>"))
    fig.update_layout(title=t("att_heatmap_title", language, measure=measure_label, session=session_label),
                      xaxis_title=t("att_group", language), yaxis_title=t("att_discipline", language),
                      height=max(360, 160 + 24 * len(rate.index)), margin={"t": 70, "l": 10}, title_font_size=14)
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(type="category", autorange="reversed")
    return fig, len(rate.index), len(rate.columns)


def trend_figure(found: pd.DataFrame) -> go.Figure:
    x = [f"{y}<br>{lab if isinstance(lab, str) else tm}"
         for y, tm, lab in zip(found["academic_year"], found["term"], found["term_label"], strict=True)]
    fig = go.Figure()
    for measure in ("success", "quality"):
        fig.add_trace(go.Scatter(
            x=x, y=found[f"{measure}_rate"] * 100, mode="lines+markers", name=t(f"att_{measure}", language),
            customdata=found["n_graded"],
            hovertemplate=f"%{{x}}<br>{t(f'att_{measure}', language)}: %{{y:.1f}} %<br>n = %{{customdata}}"
                          "<extra></extra>"))
    fig.update_layout(title=t("att_trend_title", language), xaxis_title=t("att_session_axis", language),
                      yaxis_title=t("att_rate_axis", language), height=380, yaxis_range=[0, 100],
                      legend={"orientation": "h", "y": -0.35}, margin={"t": 70}, title_font_size=14)
    fig.update_xaxes(type="category", tickangle=0)
    return fig


def weakest(by: str, measure: str) -> None:
    """The weakest `by` (group, discipline or teacher) of the session by `measure`, small bases not ranked."""
    found = q.ranking(scope, filters, by, measure, language)
    few = small_cell_min()
    ranked = found[found["n_graded"] >= few].head(RANKED).copy()
    ranked["success_pct"] = (ranked["success_rate"] * 100).round(1)
    ranked["quality_pct"] = (ranked["quality_rate"] * 100).round(1)
    title = {"group": "att_weakest_groups", "discipline": "att_weakest_disciplines",
             "teacher": "att_weakest_teachers"}[by]
    st.subheader(t(title, language))
    st.caption(t("att_weakest_note", language, measure=t(f"att_{measure}", language), min=few,
                 n=int((found["n_graded"] < few).sum())))
    table(ranked, {"label": f"att_{by}", "n_graded": "att_col_n", "success_pct": "att_col_success_pct",
                   "quality_pct": "att_col_quality_pct"}, title_key=title, filters=shown_filters, key=f"att_weak_{by}",
          digits={"success_pct": 1, "quality_pct": 1})


# --- session results -------------------------------------------------------------------------
def session_tab() -> None:
    if totals["now"] is None:
        if narrowed:
            empty("att_empty_filter")
        else:
            empty("att_empty_session", session=session_label)
    else:
        headline(totals["now"], totals["before"])
        chart(letters_figure(q.letters(scope, filters), t("att_letters_title", language, session=session_label)),
              key="att_letters_chart")
        chart(trend_figure(q.trend(scope, filters, language)), key="att_trend_chart")
        # in the address: a closed tab keeps no widget state, so coming back to the tab keeps the measure
        ui.from_address("att_measure", ["success", "quality"])
        measure = st.radio(t("att_measure", language), ["success", "quality"], horizontal=True, key="att_measure",
                           format_func=lambda m: t(f"att_{m}", language))
        ui.to_address("att_measure", measure)
        fig, nd, ng = heatmap_figure(q.heatmap(scope, filters, language, HEATMAP_MAX), measure)
        chart(fig, key="att_heatmap_chart")
        st.caption(t("att_heatmap_caption", language, nd=nd, ng=ng, min=small_cell_min()))
        weakest("discipline", measure)
        weakest("teacher", measure)
        weakest("group", measure)

# --- debtors ---------------------------------------------------------------------------------
def debtors_tab() -> None:
    st.subheader(t("att_debtors_title", language, session=md(session_label)))
    st.caption(t("att_debtors_caption", language))
    if totals["now"] is not None:
        st.caption(t("att_debtors_counts", language, today=fmt_int(owing, language), date=owing_on,
                     after=fmt_int(totals["now"]["n_debtors"], language)))
    owed = q.debtors(scope, filters, language) if scope.individuals else None
    if owed is None:  # the list names single students: not for this role (rules B30), not "no debts"
        empty("att_debtors_withheld")
    elif owed.empty:
        empty("att_debtors_none")
    else:
        owed["required_action"] = owed["required_action"].map(lambda a: t(f"att_action_{a}", language))
        # the term by its name ("2025-2026, 1-семестр"), never its code ("2025-2026, 1")
        owed["since"] = [t("att_session_label", language, year=y, term=lab if isinstance(lab, str) else tm)
                         for y, tm, lab in zip(owed["since_academic_year"], owed["since_term"],
                                               owed["since_term_label"], strict=True)]
        table(owed, {"full_name": "att_col_full_name", "student_id": "att_col_student_id", "group_code": "att_group",
                     "discipline_name": "att_discipline", "credits": "att_col_credits", "letter_grade": "att_letter",
                     "required_action": "att_col_action", "since": "att_col_since",
                     "n_failed_attempts": "att_col_failed_attempts"},
              title_key="att_debtors_list", filters=shown_filters, key="att_debtors_table", height=420,
              widths={"student_id": "small", "group_code": "small", "credits": "small", "letter_grade": "small",
                      "since": "small", "n_failed_attempts": "small", "required_action": "medium"})
        people = owed.drop_duplicates("student_id")
        names = dict(zip(people["student_id"], people["full_name"] + " (" + people["student_id"] + ")", strict=True))
        if auth.may_open(account.role, "student"):  # management sees the list, names masked, and opens no one
            c1, c2 = st.columns([3, 1])
            chosen = c1.selectbox(t("att_choose_student", language), list(names), format_func=names.get,
                                  key="att_debtor_pick")
            c2.write("")
            if c2.button(t("att_open_student", language), key="att_open_student", icon=":material/person_search:"):
                st.session_state["student_id"] = chosen
                st.switch_page("views/student.py")

# --- final attestation -----------------------------------------------------------------------
def final_tab() -> None:
    st.subheader(t("att_final_title", language, year=md(year)))
    by_programme = q.final_by_programme(scope, filters, language)
    if by_programme.empty:
        empty("att_final_empty", year=year)
    else:
        by_programme["success_pct"] = (by_programme["success_rate"] * 100).round(1)
        by_programme["quality_pct"] = (by_programme["quality_rate"] * 100).round(1)
        by_programme["mean_final_score"] = by_programme["mean_final_score"].round(1)
        chart(letters_figure(q.final_letters(scope, filters), t("att_final_letters_title", language, year=year)),
              key="att_final_letters_chart")
        final_filters = shown_filters[:1] + shown_filters[2:]  # every filter but the term
        table(by_programme, {"program_name": "att_program", "n_graded": "att_col_n", "n_passed": "att_col_passed",
                             "success_pct": "att_col_success_pct", "quality_pct": "att_col_quality_pct",
                             "mean_final_score": "att_col_mean", "n_honours": "att_col_honours"},
              title_key="att_final_by_programme", filters=final_filters, key="att_final_programmes",
              digits={"success_pct": 1, "quality_pct": 1, "mean_final_score": 1})
        results = q.final_results(scope, filters, language)
        yes_no = {True: t("att_yes", language), False: t("att_no", language)}
        results["is_passed"] = results["is_passed"].map(yes_no)
        results["is_honours_eligible"] = results["is_honours_eligible"].map(yes_no)
        st.subheader(t("att_final_results", language))
        table(results, {"full_name": "att_col_full_name", "student_id": "att_col_student_id",
                        "program_code": "att_program", "discipline_name": "att_discipline",
                        "final_score": "att_col_score",
                        "letter_grade": "att_letter", "is_passed": "att_col_passed_flag",
                        "is_honours_eligible": "att_col_honours_flag"},
              title_key="att_final_results", filters=final_filters, key="att_final_results", height=420)


if opened in ("session", "debtors"):  # the session's totals: the headline's and the debtors tab's counts
    totals = q.headline(scope, filters)
    owing = q.owing_today(scope, filters) if totals["now"] is not None else 0  # of them, still owing a result
    owing_on = fmt_date(data_as_of() or dt.date.today())  # the debts stand on the data's last date
with tabs[opened]:
    {"session": session_tab, "debtors": debtors_tab, "final": final_tab}[opened]()
