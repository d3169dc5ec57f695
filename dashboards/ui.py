"""What every page draws the same way: the language, numbers in the language's format,
rates with their base, the empty states, and a table with its XLSX and CSV downloads
(written by the reports' one exporter, so a download looks like a report)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from dashboards import auth
from dashboards.data import frame, published
from policy import settings
from registrar.common.i18n import DEFAULT_LANGUAGE, LANGUAGES, md, t
from registrar.reports import export
from registrar.reports.base import ReportDocument, ReportParams, Section

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Plotly's toolbar keeps only "download as PNG" (printing a chart) and the zoom reset.
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2},
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def lang() -> str:
    """The language this session chose (the sidebar switch keeps it across pages)."""
    chosen = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def collation(language: str) -> str:
    """The ICU collation that sorts names in `language` (Cyrillic names: kk, else ru)."""
    return "kk" if language == "kk" else "ru"


def small_cell_min() -> int:
    """A rate resting on fewer students than this is marked and never ranked (rules B29)."""
    return int(settings()["small_cell_min_students"])


def fmt_int(value: object, language: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{int(value):,}".replace(",", t("number_thousands_separator", language))


def fmt_num(value: object, language: str, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value):,.{digits}f}"  # type: ignore[arg-type]
    return (text.replace(",", "\0").replace(".", t("number_decimal_separator", language))
            .replace("\0", t("number_thousands_separator", language)))


def fmt_pct(share: object, language: str, digits: int = 1) -> str:
    """A share (0–1) as a percentage in the language's format."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return fmt_num(float(share) * 100, language, digits) + " %"  # type: ignore[arg-type]


def fmt_rate(share: object, n: object, language: str) -> str:
    """A rate with its base, e.g. "82.5 % (n = 40)"; marked when the base is too small to rank."""
    base = 0 if n is None or (isinstance(n, float) and math.isnan(n)) else int(n)  # type: ignore[arg-type]
    text = f"{fmt_pct(share, language)} (n = {fmt_int(base, language)})"
    return text + " " + t("small_base_mark", language) if base < small_cell_min() else text


def fmt_date(day: object) -> str:
    return f"{pd.Timestamp(day):%d.%m.%Y}" if day is not None and not pd.isna(day) else "—"


def require_warehouse() -> None:
    """Stop the page with what to do when nothing has been published yet."""
    if not published():
        st.info(t("no_warehouse", lang()))
        st.stop()


def empty(message_key: str, **values: object) -> None:
    """An empty state: says plainly what is missing and what to do (the values as plain text)."""
    st.info(t(message_key, lang(), **{name: md(value) for name, value in values.items()}))


def translated(frame: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    """The columns in `headers` (column → translation key), in that order, with translated headers."""
    language = lang()
    return frame[list(headers)].rename(columns={c: t(k, language) for c, k in headers.items()})


def table(frame: pd.DataFrame, headers: dict[str, str], *, title_key: str, filters: list[tuple[str, str]],
          key: str, height: int | None = None) -> None:
    """A table as shown, with XLSX and CSV buttons that download exactly it: the same rows, the
    headers in the chosen language, and (in the XLSX) the filters that made it."""
    language = lang()
    shown = translated(frame, headers)
    if height is None:
        st.dataframe(shown, hide_index=True)
    else:
        st.dataframe(shown, hide_index=True, height=height)
    xlsx, csv = downloads(shown, title=t(title_key, language), filters=filters, stem=key)
    buttons = st.container(horizontal=True)  # side by side, each as wide as its label
    audited = {"title": t(title_key, "en"), "rows": len(shown), "filters": dict(filters)}  # what, for the audit log
    buttons.download_button(t("download_xlsx", language), xlsx, file_name=f"{key}.xlsx", mime=XLSX_MIME,
                            key=f"{key}_xlsx", icon=":material/download:", on_click=auth.log,
                            args=("download", f"{key}.xlsx"), kwargs=audited)
    buttons.download_button(t("download_csv", language), csv, file_name=f"{key}.csv", mime="text/csv",
                            key=f"{key}_csv", icon=":material/download:", on_click=auth.log,
                            args=("download", f"{key}.csv"), kwargs=audited)


def downloads(shown: pd.DataFrame, *, title: str, filters: list[tuple[str, str]], stem: str) -> tuple[bytes, bytes]:
    """XLSX and CSV bytes of a shown table (headers already translated), by the reports' exporter."""
    doc = ReportDocument(title=title, parameters=filters, sections=[Section("", shown)], file_stem=stem)
    params = ReportParams(lang=lang())
    return export.to_xlsx(doc, params, refreshed_at()), export.to_csv(doc, params)


def refreshed_at() -> dt.datetime | None:
    """When the published warehouse was built (printed in every download); None before the first
    publish (the Data refresh page lists an upload's defects before there is any warehouse)."""
    if not published():
        return None
    found = frame("select max(refreshed_at) as at from meta.refresh")
    return None if found.empty or pd.isna(found["at"].iloc[0]) else pd.Timestamp(found["at"].iloc[0]).to_pydatetime()
