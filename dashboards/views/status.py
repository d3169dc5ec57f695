"""Registrar page: whether the last refresh passed its checks, what failed and on which rows,
and what the published warehouse was built from. The registrar (the role table's `refresh`) also
uploads extract files here, sees their defects, starts a refresh in the background and follows it,
publishes a held build past the publish guard, and rolls back (rules C7)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

import policy
from dashboards import auth
from dashboards.data import failing_rows, last_refresh, quality_checks, refresh_status, warehouse
from dashboards.ui import data_as_of_line, dataframe, download, fmt_int, fmt_num, localised, table
from dashboards.ui import lang as session_lang
from registrar.access import audit
from registrar.access.roles import may_refresh
from registrar.common.i18n import has, key_of_english, md, t
from registrar.common.paths import Home
from registrar.pipeline import background, changes, history, upload
from registrar.pipeline.lock import RefreshBusy, describe

STATUS_ORDER = ["fail", "warn", "pass"]
STATUS_COLOURS = {"fail": "#c0392b", "warn": "#e6a23c", "pass": "#2e8b57"}
TIER_ORDER = ["configuration", "integrity", "values", "unit", "expectations", "contract"]

account = auth.require_page("status")
registrar = account.role == "registrar"  # failing rows, defects' values and the audit log may name students
refresher = may_refresh(account.role)  # uploads, refreshes, publishes past the guard, rolls back
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


# What a check tests, from the start of its name (dbt's generic tests name themselves after the test), or
# from where it comes; the name itself stays beside it as the identifier to quote (the CLI's quality
# report, dbt's logs and the failures table use it).
CHECK_KINDS = [("not_null", "check_kind_not_null"), ("unique_combination", "check_kind_unique_combination"),
               ("unique", "check_kind_unique"), ("relationships", "check_kind_relationships"),
               ("accepted_values", "check_kind_accepted_values"), ("code_in_seed", "check_kind_code_in_seed"),
               ("expression_is_true", "check_kind_expression"), ("assert", "check_kind_assert")]
SOURCE_KINDS = {"contract": "check_kind_contract", "great_expectations": "check_kind_expectation",
                "dbt_unit_test": "check_kind_unit_test", "dbt_build": "check_kind_build"}


def check_kind(name: str, source: str) -> str:
    """What the check `name` of `source` tests, in the page's language."""
    if source in SOURCE_KINDS:
        return t(SOURCE_KINDS[source], lang)
    found = next((key for prefix, key in CHECK_KINDS if str(name).startswith(prefix)), "check_kind_other")
    return t(found, lang)


def _checks_frame(checks: pd.DataFrame) -> pd.DataFrame:
    shown = checks.assign(tier=checks["tier"].map(lambda v: t(f"tier_{v}", lang)),
                          status=checks["status"].map(lambda v: t(f"status_{v}", lang)),
                          severity=checks["severity"].map(lambda v: t(f"severity_{v}", lang) if v else ""),
                          kind=[check_kind(n, s) for n, s in zip(checks["name"], checks["source"], strict=True)],
                          failing_rows=pd.to_numeric(checks["failing_rows"]).astype("Int64"))
    return shown[["status", "tier", "kind", "severity", "failing_rows", "name"]].rename(columns={
        "name": t("check_identifier", lang), "tier": t("check_tier", lang), "severity": t("check_severity", lang),
        "status": t("check_status", lang), "kind": t("check_kind", lang),
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
        t("audit_at", lang): [_when(e.get("at")) if e.get("at") else "" for e in entries],
        t("audit_event", lang): [t(f"audit_event_{e.get('event')}", lang) for e in entries],
        t("audit_user", lang): [e.get("user") or "" for e in entries],
        t("audit_what", lang): [e.get("what") or "" for e in entries],
        t("audit_params", lang): [_details(e.get("params") or {}) for e in entries],
    })
    dataframe(log)


def _details(params: dict[str, Any]) -> str:
    """An audit entry's parameters as a person reads them: "Label: value; ..." with each name translated
    (never the recorded JSON), a role by its name, yes/no for a flag, a list or a mapping spelled out."""
    def value(name: str, found: object) -> str:
        if isinstance(found, bool):
            return t("att_yes" if found else "att_no", lang)
        if name == "role" and isinstance(found, str):
            return t(f"role_{found}", lang)
        if name == "title" and isinstance(found, str) and key_of_english(found):  # a table's title, kept in English
            return t(str(key_of_english(found)), lang)
        if isinstance(found, dict):
            return ", ".join(f"{k}: {value(str(k), v)}" for k, v in found.items())
        if isinstance(found, list):
            return ", ".join(str(v.get("name", v)) if isinstance(v, dict) else value(name, v) for v in found)
        if isinstance(found, int | float):
            return fmt_int(found, lang) if float(found).is_integer() else fmt_num(found, lang, 1)
        return str(found)

    return "; ".join(f"{_param_label(name)}: {value(name, found)}" for name, found in params.items()
                     if found not in (None, "", [], {}))


def _param_label(name: str) -> str:
    """The translated name of an audit parameter; one not translated yet is written in words."""
    return t(f"audit_param_{name}", lang) if has(f"audit_param_{name}") else re.sub(r"_+", " ", name)


ROLLBACK_KEY = "_registrar_rollback_pending"
ROLLED_BACK_KEY = "_registrar_rolled_back"


CHANGE_STATES = {changes.CLOSED: "changes_state_closed", changes.OPEN: "changes_state_open",
                 changes.NOT_IN_CALENDAR: "changes_state_not_in_calendar",
                 changes.BEFORE_CALENDAR: "changes_state_before_calendar"}


def _changes(found: dict[str, Any]) -> None:
    """What the published refresh changed against the warehouse before it, term by term (rules C8):
    counts of rows only, so every role that sees this page may see it."""
    st.subheader(t("changes_heading", lang))
    if found.get("not_compared"):
        st.caption(t("changes_not_compared", lang))
        return
    st.caption(t("changes_caption", lang, run=md(found.get("compared_with") or "—"),
                 files=md(", ".join(found.get("files_changed") or []) or "—"),
                 unchanged=fmt_int(len(found.get("files_unchanged") or []), lang)))
    terms = found.get("terms") or []
    if not terms:
        st.info(t("changes_none", lang))
        return
    closed = int(found.get("closed_terms_changed") or 0)
    if closed:
        st.warning(t("changes_closed", lang, n=fmt_int(closed, lang)))
    labels = {r["term"]: r[f"label_{lang}"] for r in policy.seed_rows("terms")}
    dataframe(pd.DataFrame({
        t("changes_term", lang): [f"{c['academic_year']} {labels.get(c['term'], c['term'])}" if c["term"]
                                  else t("changes_state_before_calendar", lang) for c in terms],
        t("changes_source", lang): [t(f"changes_source_{c['source']}", lang) for c in terms],
        t("changes_state", lang): [t(CHANGE_STATES[c["state"]], lang) for c in terms],
        t("changes_exams_end_on", lang): [c["exams_end_on"] or "" for c in terms],
        t("changes_rows_before", lang): [c["rows_before"] for c in terms],
        t("changes_rows_after", lang): [c["rows_after"] for c in terms],
        t("changes_added", lang): [c["added"] for c in terms],
        t("changes_removed", lang): [c["removed"] for c in terms],
    }))


def _size(n: float) -> str:
    return f"{fmt_num(n / 2**20, lang, 1)} {t('unit_megabytes', lang)}"


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
    dataframe(pd.DataFrame({
        t("history_served", lang): ["●" if r.current else "" for r in kept],
        t("history_run", lang): [r.run_id for r in kept],
        t("history_published", lang): [_when(r.published_at) for r in kept],
        t("history_started_by", lang): [r.started_by for r in kept],
        t("history_extract", lang): [Path(str(r.extract_dir)).name for r in kept],  # the folder, not its path
        t("history_checksum", lang): [r.extract_sha256[:12] for r in kept],
        t("history_checks", lang): [f"{fmt_int(r.passed, lang)} / {fmt_int(r.warned, lang)}" for r in kept],
        t("history_headcount", lang): pd.array([r.figures.get("headcount") for r in kept], dtype="Int64"),
        t("history_students", lang): pd.array([r.figures.get("students") for r in kept], dtype="Int64"),
        t("history_grade_rows", lang): pd.array([r.figures.get("grade_rows") for r in kept], dtype="Int64"),
        t("history_size", lang): [_size(r.bytes) for r in kept],
        t("history_drop_accepted", lang): ["✓" if r.accepted_drop else "" for r in kept],
    }))
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


UPLOAD_KEY = "_registrar_upload"  # this session's checked upload: the files' ids and what the check found
UPLOAD_ROUND_KEY = "_registrar_upload_round"  # a new round empties the file uploader (a new widget key)
ACCEPT_KEY = "_registrar_accept_drop_pending"
POLL_SECONDS = 2


def _elapsed(since: object) -> str:
    seconds = max(int((dt.datetime.now() - dt.datetime.fromisoformat(str(since))).total_seconds()), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _busy(holder: str) -> str:
    """Who started the running refresh and when, from the lock's holder ("pid … since … by …")."""
    found = describe(holder)
    return t("refresh_busy", lang, by=md(found.get("by") or "—"),
             since=_when(found["since"]) if found else md(holder or "—"))


def _start_refresh(home: Home, extract_dir: Path, accept_drop: bool = False) -> bool:
    """Launch the refresh in the background and audit it; False (with the reason shown) when refused."""
    try:
        pid = background.start(home, extract_dir, account.name, accept_drop=accept_drop)
    except RefreshBusy as busy:
        st.error(_busy(str(busy)))
        return False
    auth.log("refresh_started", extract_dir.parent.name, extract_dir=str(extract_dir), accept_drop=accept_drop,
             pid=pid)
    return True


def _progress(job: background.Job) -> None:
    """What runs: who started it and when, the step, dbt's nodes done of their total, the time so far."""
    status = job.status
    if job.state == "starting":
        st.info(t("refresh_starting", lang, by=md(job.launch.get("by", "—")), since=_when(job.launch.get("at"))))
        return
    ours = status.get("state") == "running" and f"pid {status.get('pid')} " in f"{job.holder} "
    if not ours:  # a rollback, or a refresh that has not written its first line yet
        st.info(_busy(job.holder))
        return
    st.info(t("refresh_running", lang, by=md(status.get("started_by", "—")), since=_when(status.get("started_at")),
              elapsed=_elapsed(status.get("started_at"))))
    if status.get("steps"):
        st.caption(t("refresh_step", lang, k=status["step_no"], n=status["steps"], step=md(status.get("step", ""))))
    total = int(status.get("nodes_total") or 0)
    if total:
        done = int(status.get("nodes_done") or 0)
        st.progress(min(done / total, 1.0), text=t("refresh_nodes", lang, done=f"{done:,}", total=f"{total:,}"))


def _finished(job: background.Job) -> None:
    """How the last refresh ended (published, held, failed, or ended without finishing)."""
    status, launch = job.status, job.launch
    if job.state == "vanished":
        by, since = (launch.get("by"), launch.get("at")) if job.log_tail else (status.get("started_by"),
                                                                               status.get("started_at"))
        st.warning(t("refresh_vanished", lang, by=md(by or "—"), since=_when(since)))
        if job.log_tail:
            st.code(job.log_tail, language=None)
        return
    if job.state not in ("published", "held", "failed") or job.launch.get("pid") != job.status.get("pid"):
        return  # not the page's own refresh (one run in a terminal): the last-refresh section says how it ended
    values = {"by": md(status.get("started_by", "—")), "since": _when(status.get("started_at")),
              "run": md(status.get("run_id", "")), "finished": _when(status.get("finished_at")),
              "step": md(status.get("failed_step", ""))}
    show = {"published": st.success, "held": st.warning, "failed": st.error}[job.state]
    show(t(f"refresh_finished_{job.state}", lang, **values))


def _follow(home: Home) -> None:
    """The running refresh's progress, read again every POLL_SECONDS; the whole page again once it ends."""

    @st.fragment(run_every=POLL_SECONDS)
    def follow() -> None:
        job = background.job(home)
        if not job.running:
            st.rerun()
        _progress(job)

    follow()


def _uploader_in_language(limits: upload.Limits) -> None:
    """Streamlit writes the uploader's button and size line in English only: a style sheet puts the
    chosen language's words in their place (our own strings, quoted as CSS strings)."""
    button = json.dumps(t("upload_button", lang), ensure_ascii=False)
    line = json.dumps(t("upload_instructions", lang, mb=limits.megabytes,
                        types=", ".join(v.upper() for v in limits.types)), ensure_ascii=False)
    zone, notes = '[data-testid="stFileUploaderDropzone"] button', '[data-testid="stFileUploaderDropzoneInstructions"]'
    st.html(f"<style>{zone} *, {notes} * {{font-size: 0 !important;}} "
            f"{zone}::after {{content: {button}; font-size: 0.875rem;}} "
            f"{notes}::after {{content: {line}; font-size: 0.875rem; opacity: 0.6;}}</style>")


def _upload(home: Home, job: background.Job) -> None:
    """Receive the files (limits, names), check them with the refresh's rules, list every defect, and
    offer the refresh of files without one."""
    limits = upload.Limits.from_settings()
    names = ", ".join(sorted({n.rsplit(".", 1)[0] for n in upload.extract_names()}))
    st.caption(t("upload_caption", lang, names=names, files=limits.max_files, mb=limits.megabytes))
    round_no = st.session_state.get(UPLOAD_ROUND_KEY, 0)
    _uploader_in_language(limits)
    files = st.file_uploader(t("upload_label", lang), type=list(limits.types), accept_multiple_files=True,
                             key=f"upload_files_{round_no}")
    if not files:
        return
    ids = [f.file_id for f in files]
    done = st.session_state.get(UPLOAD_KEY)
    if done is None or done["ids"] != ids:
        with st.spinner(t("upload_checking", lang)):
            done = _receive(home, files, limits)
        done["ids"] = ids
        st.session_state[UPLOAD_KEY] = done
    if st.button(t("upload_again", lang), key="upload_again", icon=":material/restart_alt:"):
        _clear_upload()
        st.rerun()
    if "refused" in done:
        st.error(t("upload_refused", lang, reason=md(t(done["refused"][0], lang, **done["refused"][1]))))
        return
    if done["warnings"]:
        with st.expander(t("upload_warnings", lang, n=len(done["warnings"]))):
            dataframe(pd.DataFrame(done["warnings"]).rename(columns=lambda c: t(f"defect_{c}", lang)))
    if done["defects"]:
        st.error(t("upload_defects", lang, n=f"{sum(d['count'] for d in done['defects']):,}"))
        defects = pd.DataFrame(done["defects"], columns=["file", "row", "column", "value", "rule", "count"])
        table(defects, {c: f"defect_{c}" for c in defects.columns}, title_key="upload_defects_title",
              filters=[(t("upload_id", lang), done["id"])], key="upload_defects")
        return
    st.success(t("upload_ok", lang, files=len(done["files"]), rows=f"{sum(done['row_counts'].values()):,}"))
    if job.running:
        starting = t("refresh_starting", lang, by=md(job.launch.get("by", "—")), since=_when(job.launch.get("at")))
        st.warning(_busy(job.holder) if job.holder else starting)
        return
    started = st.button(t("refresh_start", lang), key="refresh_start", type="primary", icon=":material/play_arrow:")
    if started and _start_refresh(home, Path(done["extract_dir"])):
        _clear_upload()
        st.rerun()


def _clear_upload() -> None:
    st.session_state.pop(UPLOAD_KEY, None)
    st.session_state[UPLOAD_ROUND_KEY] = st.session_state.get(UPLOAD_ROUND_KEY, 0) + 1


def _receive(home: Home, files: list[Any], limits: upload.Limits) -> dict[str, Any]:
    """Land and check one upload; what the page keeps of it. Audited whether refused or not."""
    sent = [{"name": f.name, "bytes": f.size} for f in files]
    try:
        received = upload.check(upload.receive(home, [(f.name, f.getvalue()) for f in files], limits))
    except upload.UploadRefused as refused:
        auth.log("upload", "", files=sent, outcome="refused", reason=str(refused))
        return {"refused": (refused.key, refused.values)}
    held, job = background.held_build(home), background.job(home)
    in_use = [held.extract_dir] if held else []  # and the folder a refresh may be reading now
    in_use += [Path(str(f["extract_dir"])) for f in (job.status, job.launch) if job.running and f.get("extract_dir")]
    upload.prune(home, protect=in_use)
    auth.log("upload", received.id, files=sent, outcome="checked" if received.ok else "defects",
             defects=sum(d.count for d in received.defects), warnings=len(received.warnings))
    return {"id": received.id, "extract_dir": str(received.extract_dir), "files": received.files,
            "defects": [d.as_dict() for d in received.defects], "warnings": [w.as_dict() for w in received.warnings],
            "row_counts": received.row_counts}


def _refresh_from_files() -> None:
    """The registrar's upload and background refresh (rules C7)."""
    home = Home.from_env()
    st.subheader(t("upload_heading", lang))
    job = background.job(home)
    if job.running:
        _follow(home)
    else:
        _finished(job)
    _upload(home, job)


def _held_publish(job_running: bool) -> None:
    """Each figure the guard compared, before and after, and "Publish anyway" with a confirm step: the
    held build published as `registrar refresh --accept-drop` would (no build again)."""
    home = Home.from_env()
    held = background.held_build(home)
    if held is None:
        return
    st.subheader(t("held_figures_heading", lang))
    fell = {d.figure for d in held.drops}
    dataframe(pd.DataFrame({
        t("held_figure", lang): [t(f"held_figure_{d.figure}", lang) for d in held.pairs],
        t("held_before", lang): [d.before for d in held.pairs],
        t("held_after", lang): [d.after for d in held.pairs],
        t("held_change", lang): [("+" if -d.pct >= 0 else "−") + fmt_num(abs(d.pct), lang, 1) + " %"
                                 for d in held.pairs],
        t("held_fell", lang): ["✗" if d.figure in fell else "" for d in held.pairs],
    }))
    if not held.extract_dir.is_dir():
        st.caption(t("publish_anyway_gone", lang, folder=md(held.extract_dir)))
        return
    if job_running:
        return
    if not st.session_state.get(ACCEPT_KEY):
        if st.button(t("publish_anyway", lang), key="publish_anyway"):
            st.session_state[ACCEPT_KEY] = True
            st.rerun()
        return
    st.warning(t("publish_anyway_confirm", lang))
    yes, no = st.columns(2)
    if no.button(t("publish_anyway_cancel", lang), key="publish_anyway_cancel"):
        st.session_state.pop(ACCEPT_KEY, None)
        st.rerun()
    if yes.button(t("publish_anyway_yes", lang), key="publish_anyway_yes", type="primary"):
        st.session_state.pop(ACCEPT_KEY, None)
        if _start_refresh(home, held.extract_dir, accept_drop=True):
            st.rerun()


# A failing row's columns that have a page's translation (the keys of the dashboards' own tables).
ROW_HEADERS = {"student_id": "att_col_student_id", "full_name": "att_col_full_name", "group_code": "att_group",
               "discipline_code": "transcript_col_discipline_code", "academic_year": "att_year", "term": "att_term",
               "faculty_code": "att_faculty", "program_code": "att_program", "teacher_id": "att_teacher",
               "course": "att_course", "letter_grade": "att_letter", "credits": "att_col_credits",
               "order_no": "stu_col_order_no", "snapshot_date": "con_census_date", "n_graded": "att_col_n"}


def _readable_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """A check's failing rows with the names a page uses for their columns, and each teacher by name
    beside the ID (dim_teachers), so the registrar reads who, not a code."""
    shown = rows.copy()
    if "teacher_id" in shown and wh.has_table("main", "dim_teachers"):
        names = wh.query("select teacher_id, full_name from main.dim_teachers")
        shown.insert(list(shown.columns).index("teacher_id"), "teacher_name",
                     shown["teacher_id"].map(dict(zip(names["teacher_id"], names["full_name"], strict=True))))
        shown = shown.drop(columns="teacher_id")
    return shown.rename(columns={c: t(ROW_HEADERS[c], lang) if c in ROW_HEADERS else
                                 t("att_teacher", lang) if c == "teacher_name" else re.sub(r"_+", " ", str(c))
                                 for c in shown.columns})


def _failing_rows_viewer(checks: list[dict[str, Any]], key: str, published: bool) -> None:
    """Pick a check that did not pass; read what it checks, how to resolve it, and its rows."""
    if not checks:
        return
    if not registrar:
        st.caption(t("status_registrar_only", lang))
        return
    st.subheader(t("failing_rows_heading", lang))
    labels = [f"{t('status_' + str(c['status']), lang)} · {check_kind(c['name'], c.get('source', ''))} · {c['name']}"
              for c in checks]
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
    st.caption(t("rows_shown", lang, shown=fmt_int(len(rows), lang),
                 total=fmt_int(chosen.get("failing_rows") or 0, lang)))
    dataframe(_readable_rows(rows))
    file_name = f"{chosen['name'][:80]}.csv".replace("/", "_")
    download(st, t("download_csv", lang), lambda: rows.to_csv(index=False).encode("utf-8-sig"),
             file_name=file_name, mime="text/csv", key=f"{key}_csv", check=chosen["name"], rows=len(rows))


st.header(t("status_heading", lang))
data_as_of_line()
if refresher:
    _refresh_from_files()
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
            dataframe(defects.rename(columns={c: t(f"defect_{c}", lang) for c in defects.columns}))
        failed = [c for c in last.get("failing_checks") or [] if c["status"] != "pass"]
        _unknown_codes(failed)
        if failed:
            dataframe(_checks_frame(_with_tiers(pd.DataFrame(failed))))
            _failing_rows_viewer(failed, key="failed_run_check", published=False)
        if not last.get("defects") and not failed and registrar:  # the report quotes values
            st.code(last.get("report") or "", language=None)
        if not registrar:
            st.caption(t("status_registrar_only", lang))

if last and last.get("outcome") == "held":
    st.warning(t("refresh_held", lang, when=_when(last.get("finished_at"))))
    if status is not None:
        st.caption(t("still_serving", lang, when=_when(status["refreshed_at"])))
    if refresher:
        _held_publish(background.job(Home.from_env()).running)
    else:
        st.code(last.get("report") or "", language=None)  # the figures before and after: counts, no names
    st.caption(t("refresh_held_accept", lang))

if status is None:
    st.info(t("no_warehouse", lang))
    if refresher:
        _history()  # a kept run can be served again even when the served file is gone
    if registrar:
        _audit_log()
    st.stop()

counts = status.get("checks", {})
c1, c2, c3, c4 = st.columns([1.6, 1, 1, 1])
c1.metric(t("refreshed_at", lang), _when(status["refreshed_at"]))
c2.metric(t("checks_passed", lang), fmt_int(counts.get("pass", 0), lang))
c3.metric(t("checks_warned", lang), fmt_int(counts.get("warn", 0), lang))
c4.metric(t("checks_failed", lang), fmt_int(counts.get("fail", 0), lang))
st.caption(f"{t('run_id', lang)}: {md(status['run_id'])}")

checks = _with_tiers(quality_checks(wh))
st.subheader(t("checks_heading", lang))
if not checks.empty:
    by_tier = checks.groupby(["tier", "status"]).size().reset_index(name="n")
    by_tier["tier_label"] = by_tier["tier"].map(lambda v: t(f"tier_{v}", lang))
    by_tier["status_label"] = by_tier["status"].map(lambda v: t(f"status_{v}", lang))  # hover and legend
    order = [t(f"tier_{v}", lang) for v in TIER_ORDER if v in set(by_tier["tier"])]
    fig = px.bar(by_tier, x="n", y="tier_label", color="status_label", orientation="h",
                 category_orders={"tier_label": order, "status_label": [t(f"status_{v}", lang) for v in STATUS_ORDER]},
                 color_discrete_map={t(f"status_{v}", lang): c for v, c in STATUS_COLOURS.items()},
                 labels={"n": t("checks_count", lang), "tier_label": t("check_tier", lang),
                         "status_label": t("check_status", lang)})
    fig.update_layout(height=260, margin={"l": 0, "r": 0, "t": 10, "b": 0}, legend_title_text="")
    st.plotly_chart(localised(fig, lang), config={"displayModeBar": False})
dataframe(_checks_frame(checks))
not_passed = [c for c in checks.to_dict("records") if c["status"] != "pass"]
_unknown_codes(not_passed)
_failing_rows_viewer(not_passed, key="published_check", published=True)

if last and last.get("run_id") == status["run_id"] and last.get("changes"):
    _changes(last["changes"])

row_counts = pd.read_json(pd.io.common.StringIO(status["row_counts"]), typ="series")
st.subheader(t("rows_loaded", lang))
dataframe(row_counts.rename_axis(t("extract", lang)).reset_index(name=t("rows", lang)), width="content")

if refresher:
    _history()
if registrar:
    _audit_log()
