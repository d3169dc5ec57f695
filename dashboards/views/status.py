"""Registrar page: whether the last refresh passed its checks, and what it loaded."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.data import Warehouse, quality_checks, refresh_status, warehouse_path
from dashboards.i18n import t

lang = st.session_state.get("lang", "kk")
wh = Warehouse(warehouse_path())
st.header(t("status_heading", lang))
status = refresh_status(wh)
if status is None:
    st.info(t("no_warehouse", lang))
    st.stop()

checks = status.get("checks", {})
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("refreshed_at", lang), f"{pd.Timestamp(status['refreshed_at']):%d.%m.%Y %H:%M}")
c2.metric(t("checks_passed", lang), f"{checks.get('pass', 0):,}")
c3.metric(t("checks_warned", lang), f"{checks.get('warn', 0):,}")
c4.metric(t("checks_failed", lang), f"{checks.get('fail', 0):,}")
st.caption(f"{t('run_id', lang)}: {status['run_id']}")

counts = pd.read_json(pd.io.common.StringIO(status["row_counts"]), typ="series")
st.subheader(t("rows_loaded", lang))
st.dataframe(
    counts.rename_axis(t("extract", lang)).reset_index(name=t("rows", lang)),
    hide_index=True, width="content",
)
st.subheader(t("checks_heading", lang))
table = quality_checks(wh).rename(columns={
    "name": t("check_name", lang), "source": t("check_source", lang), "severity": t("check_severity", lang),
    "status": t("check_status", lang), "message": t("check_message", lang),
    "failing_rows": t("check_failing_rows", lang),
})
st.dataframe(table, hide_index=True)
