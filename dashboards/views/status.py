"""Registrar page: whether the last refresh passed its checks, what failed and on which rows,
and what the published warehouse was built from."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboards import auth
from dashboards.data import failing_rows, last_refresh, quality_checks, refresh_status, warehouse
from dashboards.ui import data_as_of_line, download
from dashboards.ui import lang as session_lang
from registrar.access import audit
from registrar.common.i18n import md, t
from registrar.common.paths import Home
from registrar.pipeline import history
from registrar.pipeline.lock import RefreshBusy

STATUS_ORDER = ["fail", "warn", "pass"]
STATUS_COLOURS = {"fail": "#c0392b", "warn": "#e6a23c", "pass": "#2e8b57"}
TIER_ORDER = ["configuration", "integrity", "values", "unit", "expectations", "contract"]

account = auth.require_page("status")
registrar = account.role == "registrar"  # failing rows, defects' values and the audit log may name students
lang = session_lang()
wh = warehouse()
AUDIT_SHOWN = 500


def _when(value: object) -> str:
    return f"{pd.Timestamp(value):%d.%m.%Y %H:%M}" if value else "—"


def _with_tiers(checks: pd.DataFrame) -> pd.DataFrame:
    """dbt data tests have a tier; the other checks are grouped by where they come from."""
    by_source = checks["source"].map(lambda s: {"dbt_unit_test": "unit", "great_expectations": "expectations"}
                                     .get(s, s))
    return checks.assign(tier=checks["tier"].where(checks["tier"].fillna("") != "", by_source))


def _checks_frame(checks: pd.DataFrame) -> pd.DataFrame:
    shown = checks.assign(tier=checks["tier"].map(lambda v: t(f"tier_{v}", lang)),
                          status=checks["status"].map(lambda v: t(f"status_{v}", lang)))
    return shown[["status", "tier", "name", "severity", "message", "failing_rows"]].rename(columns={
        "name": t("check_name", lang), "tier": t("check_tier", lang), "severity": t("check_severity", lang),
        "status": t("check_status", lang), "message": t("check_message", lang),
        "failing_rows": t("check_failing_rows", lang),
    })


def _unknown_codes(checks: list[dict[str, Any]]) -> None:
    """Each code a seed does not list, with its rows and the seed to extend: a warning when the
    code only labels rows (the data was published), an error when it stopped the refresh."""
    found = [(c, u) for c in checks for u in _as_list(c.get("unknown_codes")) if c.get("seed")]
    if not found:
        return
    st.subheader(t("unknown_codes_heading", lang))
    for check, code in found:
        text = t(f"unknown_code_{'warn' if check['status'] == 'warn' else 'fail'}", lang,
                 code=md(code["code"]), rows=f"{int(code['rows']):,}", seed=md(check["seed"]))
        (st.warning if check["status"] == "warn" else st.error)(text)


def _as_list(value: object) -> list[dict[str, Any]]:
    """A JSON column as read from the warehouse (text) or from last_refresh.json (a list)."""
    if isinstance(value, str):
        value = json.loads(value) if value else []
    return list(value) if isinstance(value, list) else []


def _audit_log() -> None:
    """The audit log, newest first: the registrar's alone (it names users and students)."""
    st.subheader(t("audit_heading", lang))
    columns = st.columns([2, 1, 1])
    chosen = columns[0].multiselect(t("audit_filter_events", lang), audit.EVENTS, key="audit_events",
                                    format_func=lambda e: t(f"audit_event_{e}", lang))
    user = columns[1].text_input(t("audit_filter_user", lang), key="audit_user", max_chars=128)
    what = columns[2].text_input(t("audit_filter_what", lang), key="audit_what", max_chars=128)
    entries = audit.read(limit=AUDIT_SHOWN, events=chosen, user=user, what=what)
    if not entries:
        st.info(t("audit_empty", lang))
        return
    filtered = chosen or user.strip() or what.strip()
    st.caption(t("audit_filtered", lang, n=len(entries)) if filtered else t("audit_caption", lang, n=AUDIT_SHOWN))
    log = pd.DataFrame({
        t("audit_at", lang): [e.get("at", "")[:19].replace("T", " ") for e in entries],
        t("audit_event", lang): [t(f"audit_event_{e.get('event')}", lang) for e in entries],
        t("audit_user", lang): [e.get("user") or "" for e in entries],
        t("audit_what", lang): [e.get("what") or "" for e in entries],
        t("audit_params", lang): [json.dumps(e.get("params") or {}, ensure_ascii=False) for e in entries],
    })
    st.dataframe(log, hide_index=True)


ROLLBACK_KEY = "_registrar_rollback_pending"
ROLLED_BACK_KEY = "_registrar_rolled_back"


def _size(n: float) -> str:
    return f"{n / 2**20:,.1f} MB"


def _history() -> None:
    """The kept published warehouses and a rollback to one of them, with a confirm step: the
    registrar's alone (rules C7)."""
    home = Home.from_env()
    st.subheader(t("history_heading", lang))
    if st.session_state.get(ROLLED_BACK_KEY):
        st.success(t("rollback_done", lang, run=md(st.session_state.pop(ROLLED_BACK_KEY))))
    kept = history.runs(home)
    if not kept:
        st.info(t("history_empty", lang))
        return
    st.caption(t("history_caption", lang, n=len(kept), keep=history.keep_count(), size=_size(history.disk_bytes(home))))
    st.dataframe(pd.DataFrame({
        t("history_served", lang): ["●" if r.current else "" for r in kept],
        t("history_run", lang): [r.run_id for r in kept],
        t("history_published", lang): [_when(r.published_at) for r in kept],
        t("history_started_by", lang): [r.started_by for r in kept],
        t("history_extract", lang): [r.extract_dir for r in kept],
        t("history_checksum", lang): [r.extract_sha256[:12] for r in kept],
        t("history_checks", lang): [f"{r.passed:,} / {r.warned:,}" for r in kept],
        t("history_headcount", lang): [r.figures.get("headcount") for r in kept],
        t("history_students", lang): [r.figures.get("students") for r in kept],
        t("history_grade_rows", lang): [r.figures.get("grade_rows") for r in kept],
        t("history_size", lang): [_size(r.bytes) for r in kept],
        t("history_drop_accepted", lang): ["✓" if r.accepted_drop else "" for r in kept],
    }), hide_index=True)
    older = [r for r in kept if not r.current]
    if not older:
        st.caption(t("rollback_none", lang))
        return
    current = next((r.run_id for r in kept if r.current), "—")
    by_id = {r.run_id: r for r in older}
    chosen = st.selectbox(t("rollback_choose", lang), list(by_id), key="rollback_run",
                          format_func=lambda run: f"{run} · {_when(by_id[run].published_at)}")
    pending = st.session_state.get(ROLLBACK_KEY)
    if pending != chosen:
        if st.button(t("rollback_button", lang), key="rollback_start"):
            st.session_state[ROLLBACK_KEY] = chosen
            st.rerun()
        return
    st.warning(t("rollback_confirm", lang, run=md(chosen), when=_when(by_id[chosen].published_at), current=md(current)))
    yes, no = st.columns(2)
    if no.button(t("rollback_cancel", lang), key="rollback_cancel"):
        st.session_state.pop(ROLLBACK_KEY, None)
        st.rerun()
    if yes.button(t("rollback_yes", lang), key="rollback_confirm", type="primary"):
        st.session_state.pop(ROLLBACK_KEY, None)
        try:
            target, before = history.rollback(home, chosen, progress=lambda _msg: None)
        except (history.RollbackRefused, RefreshBusy) as refused:
            st.error(t("rollback_refused", lang, reason=md(refused)))
            return
        auth.log("rollback", target.run_id, replaced=before, source="dashboard")
        st.session_state[ROLLED_BACK_KEY] = target.run_id
        st.rerun()


def _failing_rows_viewer(checks: list[dict[str, Any]], key: str, published: bool) -> None:
    """Pick a check that did not pass; read what it checks, how to resolve it, and its rows."""
    if not checks:
        return
    if not registrar:
        st.caption(t("status_registrar_only", lang))
        return
    st.subheader(t("failing_rows_heading", lang))
    labels = [f"{t('status_' + str(c['status']), lang)} · {c['name']}" for c in checks]
    chosen = checks[st.selectbox(t("choose_check", lang), range(len(checks)), format_func=labels.__getitem__,
                                 key=key)]
    if chosen.get("guidance"):
        st.info(chosen["guidance"].replace("\n", "  \n"))  # one line each: checks, matters, resolve
    elif chosen.get("message"):
        st.caption(md(chosen["message"]))
    rows = pd.DataFrame()
    if published and chosen.get("failures_table"):
        rows = failing_rows(wh, chosen["failures_table"])
    if rows.empty:
        rows = pd.DataFrame(_as_list(chosen.get("failing_sample")))
    if rows.empty:
        st.caption(t("no_rows_stored", lang))
        return
    st.caption(t("rows_shown", lang, shown=f"{len(rows):,}", total=f"{int(chosen.get('failing_rows') or 0):,}"))
    st.dataframe(rows, hide_index=True)
    file_name = f"{chosen['name'][:80]}.csv".replace("/", "_")
    download(st, t("download_csv", lang), lambda: rows.to_csv(index=False).encode("utf-8-sig"),
             file_name=file_name, mime="text/csv", key=f"{key}_csv", check=chosen["name"], rows=len(rows))


st.header(t("status_heading", lang))
data_as_of_line()
status = refresh_status(wh)
last = last_refresh()

if last and last.get("outcome") == "failed" and (status is None or last.get("run_id") != status.get("run_id")):
    st.error(t("refresh_failed", lang, when=_when(last.get("finished_at")), step=md(last.get("failed_step") or "—")))
    if status is not None:
        st.caption(t("still_serving", lang, when=_when(status["refreshed_at"])))
    with st.expander(t("failed_details", lang), expanded=True):
        if last.get("defects") and registrar:
            st.subheader(t("defects_heading", lang))
            defects = pd.DataFrame(last["defects"])
            st.dataframe(defects.rename(columns={c: t(f"defect_{c}", lang) for c in defects.columns}),
                         hide_index=True)
        failed = [c for c in last.get("failing_checks") or [] if c["status"] != "pass"]
        _unknown_codes(failed)
        if failed:
            st.dataframe(_checks_frame(_with_tiers(pd.DataFrame(failed))), hide_index=True)
            _failing_rows_viewer(failed, key="failed_run_check", published=False)
        if not last.get("defects") and not failed and registrar:  # the report quotes values
            st.code(last.get("report") or "", language=None)
        if not registrar:
            st.caption(t("status_registrar_only", lang))

if last and last.get("outcome") == "held":
    st.warning(t("refresh_held", lang, when=_when(last.get("finished_at"))))
    if status is not None:
        st.caption(t("still_serving", lang, when=_when(status["refreshed_at"])))
    st.code(last.get("report") or "", language=None)  # the figures before and after: counts, no names
    st.caption(t("refresh_held_accept", lang))

if status is None:
    st.info(t("no_warehouse", lang))
    if registrar:
        _history()  # a kept run can be served again even when the served file is gone
        _audit_log()
    st.stop()

counts = status.get("checks", {})
c1, c2, c3, c4 = st.columns([1.6, 1, 1, 1])
c1.metric(t("refreshed_at", lang), _when(status["refreshed_at"]))
c2.metric(t("checks_passed", lang), f"{counts.get('pass', 0):,}")
c3.metric(t("checks_warned", lang), f"{counts.get('warn', 0):,}")
c4.metric(t("checks_failed", lang), f"{counts.get('fail', 0):,}")
st.caption(f"{t('run_id', lang)}: {md(status['run_id'])}")

checks = _with_tiers(quality_checks(wh))
st.subheader(t("checks_heading", lang))
if not checks.empty:
    by_tier = checks.groupby(["tier", "status"]).size().reset_index(name="n")
    by_tier["tier_label"] = by_tier["tier"].map(lambda v: t(f"tier_{v}", lang))
    order = [t(f"tier_{v}", lang) for v in TIER_ORDER if v in set(by_tier["tier"])]
    fig = px.bar(by_tier, x="n", y="tier_label", color="status", orientation="h",
                 category_orders={"tier_label": order, "status": STATUS_ORDER},
                 color_discrete_map=STATUS_COLOURS,
                 labels={"n": t("checks_count", lang), "tier_label": t("check_tier", lang)})
    fig.for_each_trace(lambda tr: tr.update(name=t(f"status_{tr.name}", lang)))
    fig.update_layout(height=260, margin={"l": 0, "r": 0, "t": 10, "b": 0}, legend_title_text="")
    st.plotly_chart(fig, config={"displayModeBar": False})
st.dataframe(_checks_frame(checks), hide_index=True)
not_passed = [c for c in checks.to_dict("records") if c["status"] != "pass"]
_unknown_codes(not_passed)
_failing_rows_viewer(not_passed, key="published_check", published=True)

row_counts = pd.read_json(pd.io.common.StringIO(status["row_counts"]), typ="series")
st.subheader(t("rows_loaded", lang))
st.dataframe(
    row_counts.rename_axis(t("extract", lang)).reset_index(name=t("rows", lang)),
    hide_index=True, width="content",
)

if registrar:
    _history()
    _audit_log()
