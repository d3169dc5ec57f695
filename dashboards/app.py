"""Registrar Warehouse dashboards: the router. Each page lives in dashboards/views/."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts only this folder on the path; the project root holds the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registrar.i18n import LANGUAGES, t  # noqa: E402

st.set_page_config(page_title="Registrar Warehouse", page_icon=":material/school:", layout="wide")
if "lang" not in st.session_state:
    st.session_state["lang"] = "kk"
with st.sidebar:
    st.selectbox(
        "Тіл / Язык / Language", options=list(LANGUAGES), format_func=LANGUAGES.__getitem__, key="lang"
    )
lang = st.session_state["lang"]
views = Path(__file__).with_name("views")
pages = [
    st.Page(str(views / "status.py"), title=t("page_status", lang), icon=":material/fact_check:"),
    st.Page(str(views / "reports.py"), title=t("page_reports", lang), icon=":material/description:"),
]
st.title(t("app_title", lang))
st.navigation(pages).run()
