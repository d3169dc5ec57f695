"""Contingent page (being built)."""

import streamlit as st

from dashboards.ui import lang, require_warehouse
from registrar.i18n import t

require_warehouse()
st.header(t("page_contingent", lang()))
