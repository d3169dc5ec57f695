"""Contingent (management): the headcount on any date and on each census date by a chosen
dimension, the month's movements and the status transitions, cohort retention, grant and paid
shares, and the students whose orders do not reach their AIS record. A faculty chosen at the top
narrows every part of the page (on top of the user's own scope)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.colors as px_colors
import plotly.graph_objects as go
import streamlit as st

from dashboards import auth, ui
from dashboards.data import current_scope
from dashboards.queries import contingent as q
from dashboards.ui import chart, empty, fmt_date, fmt_int, fmt_pct, fmt_rate, lang, small_cell_min, table
from registrar.access.scope import Scope
from registrar.common.i18n import t

auth.require_page("contingent")
language = lang()
st.header(t("con_heading", language))
ui.require_warehouse()


def layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 420) -> go.Figure:
    """A titled chart that reads at 1,280 px: title says what, unit and period; axes translated."""
    fig.update_layout(title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}}, height=height,
                      margin={"l": 10, "r": 10, "t": 60, "b": 10}, legend={"title": {"text": ""}},
                      xaxis_title=x_title, yaxis_title=y_title, separators=t("number_decimal_separator", language)
                      + t("number_thousands_separator", language))
    return fig


def month_label(day: object) -> str:
    return f"{pd.Timestamp(day):%m.%Y}"


FAMILY_PALETTE = px_colors.qualitative.D3  # one hue per movement (a family of reasons)


def _mixed(colour: str, share_white: float) -> str:
    """`colour` (#rrggbb) lightened towards white by `share_white` (0: as is)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * share_white):02x}" for c in (r, g, b))


def family_colours(series: pd.DataFrame) -> dict[str, str]:
    """A colour per series (movement, or movement: reason): one hue per movement, in the order the movements
    come, and within a movement one shade per reason, lighter for each next reason (issue 23 point 14)."""
    colours: dict[str, str] = {}
    for family, (_, rows) in enumerate(series.groupby("movement", sort=False)):
        base = FAMILY_PALETTE[family % len(FAMILY_PALETTE)]
        names = list(dict.fromkeys(rows["series"]))
        for shade, name in enumerate(names):
            colours[name] = _mixed(base, 0.6 * shade / max(len(names) - 1, 1) if len(names) > 1 else 0)
    return colours


def viewer_page() -> None:
    """A viewer's page (rules B30, issue 21): one published table per census date and dimension, chosen
    from what rpt_viewer_contingent holds; no other filter, so no total the table does not show."""
    dates = q.viewer_dates()
    if not dates:
        empty("con_empty_census")
        return
    c1, c2 = st.columns(2)
    day = c1.selectbox(t("con_census_date", language), dates, key="con_viewer_date",
                       format_func=lambda d: fmt_date(d))
    dimension = c2.selectbox(t("con_dimension", language), q.viewer_dimensions(), key="con_viewer_dimension",
                             format_func=lambda d: t(f"con_dim_{d}", language))
    st.caption(t("con_viewer_note", language, n=current_scope().min_cell))
    found = q.viewer_headcount(day, dimension, language)
    found["faculty"] = found["faculty"].fillna(t("con_all_faculties", language))
    found["label"] = found["label"].fillna(t("con_viewer_total", language))
    found["shown"] = [fmt_int(None if pd.isna(v) else v, language) for v in found["headcount"]]
    table(found, {"faculty": "con_dim_faculty", "label": f"con_dim_{dimension}", "shown": "con_headcount"},
          title_key="con_viewer_table", key="con_viewer",
          filters=[(t("con_census_date", language), fmt_date(day)),
                   (t("con_dimension", language), t(f"con_dim_{dimension}", language))])


# --- the faculty, narrowing the user's scope --------------------------------------------------------------
base_scope = current_scope()
if base_scope.min_cell > 0:  # a viewer reads the published tables only (rules B30)
    viewer_page()
    st.stop()
faculty_names = q.faculties(base_scope, language)
names = dict(zip(faculty_names["faculty_code"], faculty_names["name"], strict=True))
all_label = t("con_all_faculties", language)
ui.from_address("con_faculty", [None, *names])
faculty = st.selectbox(t("con_faculty", language), options=[None, *names], key="con_faculty",
                       format_func=lambda code: all_label if code is None else names[code])
ui.to_address("con_faculty", faculty)
scope: Scope = base_scope.narrowed(faculty)  # only ever narrower than the user's own scope
faculty_shown = (t("con_faculty", language), all_label if faculty is None else names[faculty])

span = q.bounds(scope)
if span["last_date"] is None:
    empty("con_empty_data")
    st.stop()
first_date, last_date = span["first_date"], span["last_date"]
default_day = ui.default_day(span["last_month_end"] or last_date)  # the data's last date, not today

# only the open tab computes and draws (ui.open_tabs): a tab nobody opened runs no query and draws no chart
opened, tabs = ui.open_tabs("con_tab", {code: t(f"con_tab_{code}", language) for code in (
    "headcount", "movements", "retention", "funding", "mismatches")})

# --- headcount on a date, and on each census date ---------------------------------------------------------
def headcount_tab() -> None:
    c1, c2 = st.columns(2)
    ui.date_from_address("con_date", dt.date(2000, 1, 1), max(dt.date.today(), last_date))
    day = c1.date_input(t("con_date", language), value=default_day, min_value=dt.date(2000, 1, 1),
                        max_value=max(dt.date.today(), last_date), format="DD.MM.YYYY", key="con_date",
                        help=t("con_date_help", language))
    ui.to_address("con_date", day)
    ui.warn_after_data(day)
    # one faculty in view (a dean's own, or one chosen): by faculty would be one bar, so by programme
    dimensions = list(q.DIMENSIONS)
    by_default = "program" if (faculty is not None or len(names) == 1) and "program" in dimensions else dimensions[0]
    ui.from_address("con_dimension", dimensions)
    dimension = c2.selectbox(t("con_dimension", language), options=dimensions, key="con_dimension",
                             index=dimensions.index(by_default), format_func=lambda d: t(f"con_dim_{d}", language))
    ui.to_address("con_dimension", dimension)
    dim_label = t(f"con_dim_{dimension}", language)
    on_day = q.headcount_on(day, dimension, scope, language)
    if on_day.empty:
        empty("con_empty_date", date=fmt_date(day), first=fmt_date(first_date))
    else:
        m1, m2, m3 = st.columns(3)
        m1.metric(t("con_headcount", language), fmt_int(on_day["headcount"].sum(), language),
                  help=t("con_headcount_help", language))
        m2.metric(t("con_not_counted", language), fmt_int(on_day["n_not_counted"].sum(), language),
                  help=t("con_not_counted_help", language))
        # what is counted follows the breakdown: faculties, courses, forms of study ... with students
        m3.metric(t(f"con_n_values_{dimension}", language), fmt_int(int((on_day["headcount"] > 0).sum()), language))
        # horizontal bars: faculty and programme names stay readable at 1,280 px
        fig = go.Figure(go.Bar(y=on_day["label"].astype(str), x=on_day["headcount"], orientation="h",
                               name=t("con_headcount", language), textposition="outside", cliponaxis=False,
                               text=[fmt_int(v, language) for v in on_day["headcount"]]))
        fig.update_yaxes(autorange="reversed", type="category")
        chart(layout(fig, t("con_headcount_title", language, date=fmt_date(day), dimension=dim_label),
                     t("con_students_axis", language), dim_label, height=160 + 34 * len(on_day)),
              key="con_chart_headcount")
        table(on_day.astype({"headcount": "Int64", "n_not_counted": "Int64"}),
              {"label": f"con_dim_{dimension}", "headcount": "con_headcount", "n_not_counted": "con_not_counted"},
              title_key="con_headcount_table", key="con_headcount",
              filters=[faculty_shown, (t("con_date", language), fmt_date(day)),
                       (t("con_dimension", language), dim_label)])

    st.subheader(t("con_census_heading", language))
    census = q.census_series(dimension, scope, language)
    if census.empty:
        empty("con_empty_census")
    else:
        census["census_date"] = [fmt_date(d) for d in census["snapshot_date"]]
        fig = go.Figure()
        for label, rows in census.groupby("label", sort=False):
            fig.add_bar(x=rows["census_date"], y=rows["headcount"], name=str(label))
        fig.update_layout(barmode="stack")
        dates = census["snapshot_date"]
        # the census dates before the first complete census count too few students (rules B12): shaded
        complete_from = q.first_complete_census()
        shown_dates = list(dict.fromkeys(pd.Timestamp(d).date() for d in dates))
        incomplete = [i for i, d in enumerate(shown_dates) if complete_from is None or d < complete_from]
        if incomplete:
            fig.add_vrect(x0=-0.5, x1=max(incomplete) + 0.5, fillcolor="grey", opacity=0.15, line_width=0,
                          layer="below", annotation_text=t("con_census_incomplete_band", language),
                          annotation_position="top left")
        chart(layout(fig, t("con_census_title", language, dimension=dim_label, first=fmt_date(dates.min()),
                            last=fmt_date(dates.max())),
                     t("con_census_date", language), t("con_students_axis", language)),
              key="con_chart_census")
        if complete_from is None:
            st.caption(t("con_census_none_complete", language))
        elif incomplete:
            st.caption(t("con_census_incomplete_note", language, first=fmt_date(complete_from)))
        table(census.astype({"headcount": "Int64", "n_not_counted": "Int64"}),
              {"census_date": "con_census_date", "label": f"con_dim_{dimension}", "headcount": "con_headcount",
               "n_not_counted": "con_not_counted"},
              title_key="con_census_table", key="con_census",
              filters=[faculty_shown, (t("con_dimension", language), dim_label)])

# --- movements by month and the status transitions over a period ------------------------------------------
def movements_tab() -> None:
    period_end = default_day
    period_start = (period_end.replace(day=1) - dt.timedelta(days=320)).replace(day=1)  # 12 months
    period = st.date_input(t("con_period", language), value=(period_start, period_end), min_value=dt.date(2000, 1, 1),
                           max_value=max(dt.date.today(), last_date), format="DD.MM.YYYY", key="con_period",
                           help=t("con_period_help", language))
    start, end = (period[0], period[-1]) if period else (period_start, period_end)
    ui.warn_after_data(end)
    period_shown = (t("con_period", language), f"{fmt_date(start)} – {fmt_date(end)}")
    st.subheader(t("con_flows_heading", language))
    moves = q.flows(start, end, scope, language)
    if moves.empty:
        empty("con_empty_period")
    else:
        moves["series"] = [m if pd.isna(r) else f"{m}: {r}" for m, r in zip(moves["movement_label"],
                                                                             moves["reason_label"], strict=True)]
        moves["signed"] = moves["n_movements"].where(~moves["leaves_headcount"], -moves["n_movements"])
        st.metric(t("con_movement_total", language), fmt_int(moves["n_movements"].sum(), language))
        fig = go.Figure()
        colours = family_colours(moves)
        for series, rows in moves.groupby("series", sort=False):
            fig.add_bar(x=rows["month"], y=rows["signed"], name=str(series), marker_color=colours[str(series)],
                        legendgroup=str(rows["movement"].iloc[0]), customdata=rows["n_movements"],
                        hovertemplate=f"{series}<br>%{{x|%m.%Y}}: %{{customdata:,}}<extra></extra>")
        fig.update_layout(barmode="relative")
        fig.update_xaxes(dtick="M1")
        chart(layout(fig, t("con_flows_title", language, start=fmt_date(start), end=fmt_date(end)),
                     t("con_month", language), t("con_n_movements", language), height=480),
              key="con_chart_flows", dates="month")
        st.caption(t("con_flows_note", language))
        moves["month_label"] = [month_label(m) for m in moves["month"]]
        table(moves.assign(reason_label=moves["reason_label"].fillna("")),
              {"month_label": "con_month", "movement_label": "con_movement", "reason_label": "con_reason",
               "n_movements": "con_n_movements"},
              title_key="con_flows_table", key="con_flows", filters=[faculty_shown, period_shown])

    st.subheader(t("con_sankey_heading", language))
    moved = q.transitions(start, end, scope, language)
    if moved.empty:
        empty("con_empty_period")
    else:
        moved["before_label"] = moved["before_label"].fillna(t("con_status_none", language))
        befores = list(dict.fromkeys(moved["before_label"]))
        afters = list(dict.fromkeys(moved["after_label"]))
        # two columns of nodes, before and after, so a return (leave → studying) is no loop; each node says
        # how many order lines leave or reach it
        out_of = moved.groupby("before_label")["n_movements"].sum()
        into = moved.groupby("after_label")["n_movements"].sum()
        nodes = [*(f"{b}: {fmt_int(out_of[b], language)}" for b in befores),
                 *(f"{a}: {fmt_int(into[a], language)}" for a in afters)]
        fig = go.Figure(go.Sankey(
            node={"label": nodes, "pad": 18, "thickness": 16,
                  "x": [0.001] * len(befores) + [0.999] * len(afters),
                  "hovertemplate": "%{label}<extra></extra>"},
            link={"source": [befores.index(b) for b in moved["before_label"]],
                  "target": [len(befores) + afters.index(a) for a in moved["after_label"]],
                  "value": moved["n_movements"].tolist(),
                  "hovertemplate": "%{source.label} → %{target.label}: %{value:,}<extra></extra>"}))
        # "before" and "after" over the two columns of nodes
        for x, anchor, key in ((0, "left", "con_sankey_before"), (1, "right", "con_sankey_after")):
            fig.add_annotation(x=x, y=1.06, xref="paper", yref="paper", xanchor=anchor, showarrow=False,
                               text=f"<b>{t(key, language)}</b>")
        chart(layout(fig, t("con_sankey_title", language, start=fmt_date(start), end=fmt_date(end)), "", "",
                     height=480), key="con_chart_sankey")
        table(moved, {"before_label": "con_status_before", "after_label": "con_status_after",
                      "n_movements": "con_n_movements"},
              title_key="con_sankey_table", key="con_transitions", filters=[faculty_shown, period_shown])

# --- cohort retention -----------------------------------------------------------------------------------
def retention_tab() -> None:
    program_names = q.programs(scope, language)
    pnames = dict(zip(program_names["program_code"], program_names["name"], strict=True))
    all_programs = t("con_all_programs", language)
    ui.from_address("con_program", [None, *pnames])  # kept when another tab is opened and this one again
    program = st.selectbox(t("con_program", language), options=[None, *pnames], key="con_program",
                           format_func=lambda code: all_programs if code is None else pnames.get(code, code))
    ui.to_address("con_program", program)
    program_shown = (t("con_program", language), all_programs if program is None else pnames.get(program, program))
    kept = q.retention(program, scope)
    few, mark = small_cell_min(), t("small_base_mark", language)
    if kept.empty:
        empty("con_empty_retention")
    else:
        # the dropout share: left without graduating, of the cohort (graduates are no loss; rules B10)
        fig = go.Figure()
        for year, rows in kept.groupby("intake_year"):
            size = rows["cohort_size"].iloc[0]  # hidden (NaN) for a viewer when small (rules B30)
            small = bool(pd.isna(size)) or int(size) < few
            fig.add_scatter(x=rows["years_after"], y=rows["dropout_rate"] * 100, mode="lines+markers",
                            name=f"{year} (n = {fmt_int(rows['cohort_size'].iloc[0], language)})"
                                 + (f" {mark}" if small else ""),
                            line={"dash": "dot" if small else "solid"},
                            hovertemplate="%{y:.1f} %")
        fig.update_xaxes(dtick=1)
        fig.update_yaxes(rangemode="tozero")
        title = t("con_retention_title", language, first=kept["intake_year"].min(), last=kept["intake_year"].max())
        chart(layout(fig, title, t("con_years_after", language), t("con_dropout_axis", language)),
              key="con_chart_retention")
        st.caption(t("con_retention_note", language, mark=mark, n=few))
        kept["observed"] = [fmt_date(d) for d in kept["observed_on"]]
        kept["dropout"] = [fmt_rate(s, n, language)
                           for s, n in zip(kept["dropout_rate"], kept["cohort_size"], strict=True)]
        table(kept.astype({"cohort_size": "Int64", "n_retained": "Int64", "n_graduated": "Int64",
                           "n_dropout": "Int64"}),
              {"intake_year": "con_intake_year", "years_after": "con_years_after", "observed": "con_census_date",
               "cohort_size": "con_cohort_size", "n_retained": "con_n_retained", "n_graduated": "con_n_graduated",
               "n_dropout": "con_n_dropout", "dropout": "con_dropout_rate"},
              title_key="con_retention_table", key="con_retention", filters=[faculty_shown, program_shown],
              plain=("intake_year",))

# --- grant and paid shares over time --------------------------------------------------------------------
def funding_tab() -> None:
    shares = q.funding_shares(scope, language)
    if shares.empty:
        empty("con_empty_funding")
    else:
        fig = go.Figure()
        for label, rows in shares.groupby("label", sort=False):
            fig.add_scatter(x=rows["snapshot_date"], y=rows["share"] * 100, name=str(label), mode="lines",
                            stackgroup="share", hovertemplate=f"{label}<br>%{{x|%m.%Y}}: %{{y:.1f}} %<extra></extra>")
        fig.update_yaxes(range=[0, 100])
        dates = shares["snapshot_date"]
        chart(layout(fig, t("con_funding_title", language, first=month_label(dates.min()),
                            last=month_label(dates.max())),
                     t("con_month_end", language), t("con_headcount_share_axis", language)),
              key="con_chart_funding", dates="month")
        shares["month_end"] = [fmt_date(d) for d in shares["snapshot_date"]]
        shares["share_shown"] = [fmt_pct(s, language) for s in shares["share"]]
        table(shares.sort_values(["snapshot_date", "sort_key"], ascending=[False, True]).astype({"headcount": "Int64"}),
              {"month_end": "con_month_end", "label": "con_dim_funding", "headcount": "con_headcount",
               "share_shown": "con_share"},
              title_key="con_funding_table", key="con_funding", filters=[faculty_shown])

# --- mismatches with the AIS's own status ---------------------------------------------------------------
def mismatches_tab() -> None:
    st.caption(t("con_mismatches_note", language))
    found = q.mismatches(scope, language)
    if found.empty:
        empty("con_empty_mismatches")
    else:
        found["attribute_label"] = [t(f"con_attr_{a}", language) for a in found["attribute"]]
        for column in ("expected_value", "actual_value"):
            found[column] = [t(f"con_value_{v}", language) if a == "entry_order" else v
                             for a, v in zip(found["attribute"], found[column], strict=True)]
        found["last_effective"] = [fmt_date(d) for d in found["last_effective_date"]]
        table(found, {"student_id": "con_student_id", "full_name": "con_full_name", "faculty": "con_faculty",
                      "program_code": "con_program", "attribute_label": "con_attribute",
                      "expected_value": "con_expected", "actual_value": "con_actual", "last_order_no": "con_last_order",
                      "last_effective": "con_last_effective"},
              title_key="con_mismatches_table", key="con_mismatches", filters=[faculty_shown])


with tabs[opened]:
    {"headcount": headcount_tab, "movements": movements_tab, "retention": retention_tab, "funding": funding_tab,
     "mismatches": mismatches_tab}[opened]()
