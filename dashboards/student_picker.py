"""The one way a page finds a student: a search box (name in Cyrillic or Latin letters, IIN or
student ID, by dashboards/queries/student.py `search` within the user's scope) and a list of its
matches to pick from. The Student page and the Reports page (a report's `student`) both draw it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.queries import student
from dashboards.ui import empty, fmt_int
from registrar.access.scope import Scope
from registrar.common.i18n import t


def pick(scope: Scope, language: str, *, key: str, pick_key: str, label_key: str = "stu_search_label",
         asked: str | None = None) -> str | None:
    """The student ID picked from the matches of the text typed in the box `key` (the list is
    `pick_key`), else `asked` (a student another page or an earlier run chose) when nothing is typed;
    None when the text matches nobody `scope` (the page's user) may see (said on the page)."""
    text = st.text_input(t(label_key, language), key=key, help=t("stu_search_help", language),
                         placeholder=t("stu_search_placeholder", language))
    if not text.strip():
        return asked
    matches = student.search(scope, text, language)
    if matches.empty:
        # a dean or an advisor searches their own students only: say so, rather than "check the spelling"
        empty("stu_no_match" if scope.faculties is None else "stu_no_match_in_scope", text=text.strip())
        return None
    shown = matches.head(student.SEARCH_LIMIT)
    labels = {r.student_id: " · ".join(str(v) for v in (r.full_name, r.student_id, r.group_code, r.program_name,
                                                          r.status_label) if v is not None and not pd.isna(v))
              for r in shown.itertuples()}
    ids = list(labels)
    picked = st.selectbox(t("stu_pick_label", language), ids, format_func=labels.__getitem__, key=pick_key,
                          index=ids.index(asked) if asked in ids else 0)
    if len(matches) > student.SEARCH_LIMIT:
        st.caption(t("stu_matches_more", language, n=student.SEARCH_LIMIT))
    else:
        st.caption(t("stu_matches", language, n=fmt_int(len(matches), language)))
    return picked
