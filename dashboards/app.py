"""Registrar Warehouse dashboards: the router. Each page lives in dashboards/views/; the
language chosen in the sidebar holds on every page (and in the address, `?lang=`).

Nothing but the sign-in form shows until someone signs in (dashboards/auth.py); the menu then
holds only the pages the user's role may open (auth.PAGE_ROLES); the address of any other page
runs only a refusal, never the page."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts only this folder on the path; the project root holds the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboards import auth  # noqa: E402
from dashboards.ui import lang  # noqa: E402
from registrar.common.i18n import LANGUAGES, md, t  # noqa: E402
from registrar.common.paths import PRIVATE_UMASK  # noqa: E402

os.umask(PRIVATE_UMASK)  # the audit log, the throttle, a rehashed users file: the server's account only

HERE = Path(__file__).resolve().parent
VIEWS = HERE / "views"
# A local icon: the university's server has no internet, and a material icon as page icon is fetched
# from a font server.
st.set_page_config(page_title="Registrar Warehouse", page_icon=str(HERE / "static" / "favicon.png"), layout="wide")

if "lang" not in st.session_state:
    asked = st.query_params.get("lang")
    st.session_state["lang"] = asked if asked in LANGUAGES else "kk"
with st.sidebar:
    st.caption(t("app_title", lang()))
    st.selectbox("Тіл / Язык / Language", options=list(LANGUAGES), format_func=LANGUAGES.__getitem__,
                 key="lang")
language = lang()
st.query_params["lang"] = language

# (file, title key, icon, url path): the order of the menu
PAGES = [
    ("home.py", "page_home", ":material/home:", "home"),
    ("attestation.py", "page_attestation", ":material/grading:", "attestation"),
    ("student.py", "page_student", ":material/person_search:", "student"),
    ("contingent.py", "page_contingent", ":material/groups:", "contingent"),
    ("lists.py", "page_lists", ":material/list_alt:", "lists"),
    ("reports.py", "page_reports", ":material/description:", "reports"),
    ("status.py", "page_status", ":material/fact_check:", "status"),
]

account = auth.gate()
if account is None:
    # Every address shows the sign-in form, no menu; once signed in, the same address opens its page.
    st.navigation([st.Page(auth.sign_in_form, title=t("auth_heading", language), url_path=url,
                           default=url == "home") for *_, url in PAGES], position="hidden").run()
    st.stop()
with st.sidebar:
    st.caption(t("auth_signed_in_as", language, name=md(account.name), role=t(f"role_{account.role}", language)))
    if st.button(t("auth_sign_out", language), icon=":material/logout:", key="auth_sign_out"):
        auth.sign_out()
        st.rerun()

# The role's pages in the menu; any other page's address runs only the refusal (and is recorded).
pages = [st.Page(str(VIEWS / file), title=t(title, language), icon=icon, url_path=url, default=url == "home")
         if auth.may_open(account.role, url) else
         st.Page(auth.refusal(url), title=t(title, language), url_path=url, visibility="hidden")
         for file, title, icon, url in PAGES]
st.navigation(pages).run()
