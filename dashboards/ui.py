"""What every page draws the same way: the language, numbers in the language's format,
rates with their base, the empty states, and a table with its XLSX and CSV downloads
(written by the reports' one exporter, so a download looks like a report).

Every download of the dashboards is a `download()` button (issue 21 finding 5): its file is
built only when the button is clicked (Streamlit's deferred download: no file of it exists on
the server before), and the click is recorded in the audit log at that moment, with who, which
file and its parameters. Streamlit's own CSV export and copy of every `st.dataframe` is switched
off for the whole process here (`client.disableDataExport`; `registrar serve` passes it too)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboards import auth
from dashboards.data import frame, published
from policy import settings
from registrar.access import audit
from registrar.common.i18n import DEFAULT_LANGUAGE, LANGUAGES, md, t
from registrar.reports import export
from registrar.reports.base import ReportDocument, ReportParams, Section

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Plotly's toolbar keeps only "download as PNG" (printing a chart) and the zoom reset.
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2},
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}

# No CSV download nor copy in the toolbar of any st.dataframe: a table leaves the server only by a
# download() button, which the audit log records. Process-wide, before any page draws.
st.set_option("client.disableDataExport", True)


def _placeholder_in_language(method: Callable[..., Any], key: str) -> Callable[..., Any]:
    """`method` (a selectbox or multiselect) whose placeholder, unless the page gives one, is `key` in the
    session's language: Streamlit's own ("Choose an option") is English on every page (issue 23 point 12)."""

    @functools.wraps(method)
    def with_placeholder(self: DeltaGenerator, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("placeholder") is None:
            kwargs["placeholder"] = t(key, lang())
        return method(self, *args, **kwargs)

    with_placeholder.__wrapped_placeholder__ = True  # type: ignore[attr-defined]
    return with_placeholder


# Every selectbox and multiselect of every page (st.selectbox, a column's, the sidebar's), once per process.
if not getattr(DeltaGenerator.selectbox, "__wrapped_placeholder__", False):
    DeltaGenerator.selectbox = _placeholder_in_language(DeltaGenerator.selectbox, "choose_option")  # type: ignore[method-assign]
    DeltaGenerator.multiselect = _placeholder_in_language(DeltaGenerator.multiselect,  # type: ignore[method-assign]
                                                          "choose_options")
    # st.selectbox is the main area's method bound when Streamlit was imported: bind the wrapped one
    _main = st.selectbox.__self__
    st.selectbox = DeltaGenerator.selectbox.__get__(_main)  # type: ignore[attr-defined]
    st.multiselect = DeltaGenerator.multiselect.__get__(_main)  # type: ignore[attr-defined]


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


def separators(language: str) -> str:
    """Plotly's `layout.separators` for `language`: the decimal mark, then the thousands separator."""
    return t("number_decimal_separator", language) + t("number_thousands_separator", language)


# Plotly's date formats (d3): a day, a month; never a month's English name ("Jul 2022").
DAY_FORMAT, MONTH_FORMAT = "%d.%m.%Y", "%m.%Y"


def localised(fig: go.Figure, language: str, *, dates: str | None = None) -> go.Figure:
    """`fig` with numbers written as `language` writes them (decimal comma and thousands space in kk and ru,
    in hover texts, tick labels and `%{y:.1f}`-style templates) and, on every axis holding dates, ticks and
    hovers DD.MM.YYYY (`dates="month"`: MM.YYYY), so no "Jul 2022" shows (issue 23 points 12 and 13)."""
    fig.update_layout(separators=separators(language))
    if dates is not None:
        shown = MONTH_FORMAT if dates == "month" else DAY_FORMAT
        fig.update_xaxes(tickformat=shown, hoverformat=shown)
    return fig


def chart(fig: go.Figure, *, key: str, dates: str | None = None, where: Any = None, **options: Any) -> None:
    """Draw `fig` in the session's language (`localised`) with the dashboards' toolbar."""
    (where or st).plotly_chart(localised(fig, lang(), dates=dates), config=options.pop("config", CHART_CONFIG),
                               key=key, **options)


FIGURE_SPACE = "\u2007"  # as wide as a digit: pads numbers so that text sorts as the numbers do


def number_texts(values: pd.Series, language: str, digits: int = 0) -> list[str]:
    """A column of numbers written in `language` (fmt_int / fmt_num), each padded on the left with figure
    spaces to one width, so that a table sorting its text sorts the numbers (non-negative ones: counts,
    rates, scores) and their digits line up."""
    texts = ["—" if v is None or pd.isna(v) else fmt_int(v, language) if digits == 0 else fmt_num(v, language, digits)
             for v in values]
    width = max((len(x) for x in texts), default=0)
    return [x.rjust(width, FIGURE_SPACE) for x in texts]


def shown_frame(frame: pd.DataFrame, language: str, digits: dict[str, int] | None = None,
                plain: tuple[str, ...] = ()) -> tuple[pd.DataFrame, dict[str, Any]]:
    """`frame` as a table shows it in `language`: numbers as text in the language's format (integers with a
    thousands separator, other numbers to `digits[column]` places, default one: rates and scores), dates kept
    as dates and written DD.MM.YYYY; with the column configuration that right-aligns the numbers.
    Columns in `plain` (years, codes held as numbers) are written as they are."""
    shown, config = frame.copy(), {}
    for column in shown.columns:
        cells = shown[column]
        if column in plain:
            shown[column] = ["" if v is None or pd.isna(v) else str(v) for v in cells]
        elif pd.api.types.is_bool_dtype(cells):
            continue
        elif pd.api.types.is_numeric_dtype(cells):
            whole = pd.api.types.is_integer_dtype(cells) or (cells.dropna() % 1 == 0).all() and column not in (
                digits or {})
            shown[column] = number_texts(cells, language, 0 if whole else (digits or {}).get(column, 1))
            config[column] = st.column_config.TextColumn(alignment="right")
        elif pd.api.types.is_datetime64_any_dtype(cells) or any(isinstance(v, dt.date) for v in cells.dropna().head(5)):
            shown[column] = pd.to_datetime(cells)
            config[column] = st.column_config.DateColumn(format="DD.MM.YYYY")
    return shown, config


def dataframe(frame: pd.DataFrame, *, digits: dict[str, int] | None = None, plain: tuple[str, ...] = (),
              where: Any = None, widths: dict[str, str] | None = None, **options: Any) -> None:
    """`st.dataframe` of `frame` in the session's language (`shown_frame`); a missing value shows as a dash,
    never "None". `widths` (column → small, medium or large) lets a wide table fit the page."""
    shown, config = shown_frame(frame, lang(), digits, plain)
    for column, width in (widths or {}).items():
        config[column] = {**(config.get(column) or {}), "width": width}
    (where or st).dataframe(shown, hide_index=True, column_config=config, placeholder="—", **options)


def require_warehouse() -> None:
    """Stop the page with what to do when nothing has been published yet; else say, under the
    page's heading, the date the data runs to (`data_as_of_line`)."""
    if not published():
        st.info(t("no_warehouse", lang()))
        st.stop()
    data_as_of_line()


def data_as_of() -> dt.date | None:
    """The data's last date: the extract date the refresh recorded (meta.refresh.extract_date, the
    latest order, grade-sheet or protocol date; the reports read it by params.extract_date), or None
    for a warehouse published before it was recorded or when nothing is published."""
    if not published():
        return None
    found = frame("select * from meta.refresh")  # one row; a column added later may be missing
    if found.empty or "extract_date" not in found or pd.isna(found["extract_date"].max()):
        return None
    return pd.Timestamp(found["extract_date"].max()).date()


def data_as_of_line() -> None:
    """"Data as of DD.MM.YYYY" under a page's heading, so no figure is read as today's (issue 23)."""
    day = data_as_of()
    if day is not None:
        st.caption(t("data_as_of", lang(), date=fmt_date(day)), help=t("data_as_of_help", lang()))


def default_day(fallback: dt.date) -> dt.date:
    """A date input's default: the data's last date (not today: a later day repeats the last state)."""
    return data_as_of() or fallback


def warn_after_data(*days: dt.date | None) -> None:
    """A warning when a chosen date lies after the data's last date: the figures then only repeat the
    state on that date (reports refuse such a date; a page shows it with this warning)."""
    last = data_as_of()
    later = [d for d in days if d is not None and last is not None and d > last]
    if later:
        st.warning(t("data_after_last", lang(), date=fmt_date(max(later)), last=fmt_date(last)))


def empty(message_key: str, **values: object) -> None:
    """An empty state: says plainly what is missing and what to do (the values as plain text)."""
    st.info(t(message_key, lang(), **{name: md(value) for name, value in values.items()}))


def translated(frame: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    """The columns in `headers` (column → translation key), in that order, with translated headers."""
    language = lang()
    return frame[list(headers)].rename(columns={c: t(k, language) for c, k in headers.items()})


def table(frame: pd.DataFrame, headers: dict[str, str], *, title_key: str, filters: list[tuple[str, str]],
          key: str, height: int | None = None, digits: dict[str, int] | None = None,
          plain: tuple[str, ...] = (), widths: dict[str, str] | None = None) -> None:
    """A table as shown, with XLSX and CSV buttons that download exactly it: the same rows, the
    headers in the chosen language, and (in the XLSX) the filters that made it. On the page, numbers and
    dates are written in the language's format (`dataframe`; `digits` and `plain` by column of `frame`);
    the downloads keep them numbers and dates."""
    language = lang()
    shown = translated(frame, headers)
    names = {t(k, language): c for c, k in headers.items()}
    dataframe(shown, digits={h: d for h, c in names.items() for col, d in (digits or {}).items() if c == col},
              plain=tuple(h for h, c in names.items() if c in plain),
              widths={t(headers[c], language): w for c, w in (widths or {}).items()},
              **({} if height is None else {"height": height}))
    title = t(title_key, language)
    buttons = st.container(horizontal=True)  # side by side, each as wide as its label
    audited = {"title": t(title_key, "en"), "rows": len(shown), "filters": dict(filters)}  # what, for the audit log
    download(buttons, t("download_xlsx", language), lambda: to_xlsx(shown, title=title, filters=filters, stem=key,
                                                                     language=language),
             file_name=f"{key}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", **audited)
    download(buttons, t("download_csv", language), lambda: to_csv(shown, title=title, filters=filters, stem=key,
                                                                   language=language),
             file_name=f"{key}.csv", mime="text/csv", key=f"{key}_csv", **audited)


def download(where: Any, label: str, build: Callable[[], bytes], *, file_name: str, mime: str, key: str,
             what: str | None = None, **audited: Any) -> None:
    """A download button whose file `build()` makes only when it is clicked, recording then, in the
    audit log, who downloaded `what` (default: the file name) with `audited` (the filters, the
    report's parameters). Until the click no file of it exists on the server. Once built, the
    file is at a `/media/...` address that answers anyone who has it, with no session, until
    Streamlit's cleanup drops it: at the end of the second script run (any session's click or
    page) after the download; on a server nobody uses, it stays until then."""
    user = auth.user_name()  # the click is served on another thread, outside this session's state

    def on_click() -> bytes:
        data = build()
        audit.record("download", user, what or file_name, file=file_name, **audited)
        return data

    where.download_button(label, on_click, file_name=file_name, mime=mime, key=key, icon=":material/download:",
                          on_click="ignore")


def _document(shown: pd.DataFrame, title: str, filters: list[tuple[str, str]], stem: str) -> ReportDocument:
    return ReportDocument(title=title, parameters=filters, sections=[Section("", shown)], file_stem=stem)


def to_xlsx(shown: pd.DataFrame, *, title: str, filters: list[tuple[str, str]], stem: str, language: str) -> bytes:
    """The XLSX of a shown table (headers already translated), by the reports' exporter."""
    return export.to_xlsx(_document(shown, title, filters, stem), ReportParams(lang=language), refreshed_at())


def to_csv(shown: pd.DataFrame, *, title: str, filters: list[tuple[str, str]], stem: str, language: str) -> bytes:
    """The CSV of a shown table, by the reports' exporter."""
    return export.to_csv(_document(shown, title, filters, stem), ReportParams(lang=language))


def refreshed_at() -> dt.datetime | None:
    """When the published warehouse was built (printed in every download); None before the first
    publish (the Data refresh page lists an upload's defects before there is any warehouse)."""
    if not published():
        return None
    found = frame("select max(refreshed_at) as at from meta.refresh")
    return None if found.empty or pd.isna(found["at"].iloc[0]) else pd.Timestamp(found["at"].iloc[0]).to_pydatetime()


# --- the view kept in the address -------------------------------------------------------------
def from_address(key: str, options: list[Any]) -> None:
    """Before a choice widget is drawn: when this session has not chosen yet, take the value the
    address gives for `key` (a link or a reload reopens the same view, issue 23). Only a value among
    `options` is taken, and the options are the user's own scope, so a link never widens it."""
    if key in st.session_state or key not in st.query_params:
        return
    asked = st.query_params.get(key)
    for option in options:
        if option is not None and str(option) == asked:
            st.session_state[key] = option
            return


def date_from_address(key: str, first: dt.date, last: dt.date) -> None:
    """As from_address, for a date widget: an ISO date of the address within [first, last]."""
    if key in st.session_state or key not in st.query_params:
        return
    try:
        asked = dt.date.fromisoformat(st.query_params.get(key, ""))
    except ValueError:
        return
    if first <= asked <= last:
        st.session_state[key] = asked


def to_address(key: str, value: Any) -> None:
    """After the widget: write its value into the address (an unset choice leaves it)."""
    text = None if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))
    if text is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != text:
        st.query_params[key] = text


def open_tabs(key: str, labels: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Tabs whose content runs only for the open one (issue 23 point 15): `st.tabs(..., on_change="rerun")`,
    so a click on a tab reruns the page and each tab's `.open` says whether it is the one shown; a page
    draws only that one, and no query or chart runs for a tab nobody opened. `labels` maps each tab's
    code to its label, the first the default. The open tab is kept in the address by its code
    (`?<key>=<code>`, like the filters): a link or a reload reopens it, a code that is no tab is ignored,
    and a language switch (new labels) keeps the same tab open. Returns the open tab's code and the tab
    containers by code."""
    codes, shown = list(labels), list(labels.values())
    if st.session_state.get(key) not in shown:  # not chosen in this session yet, or chosen in another language
        asked = st.query_params.get(key)
        if asked in labels:
            st.session_state[key] = labels[asked]
    found = dict(zip(codes, st.tabs(shown, key=key, on_change="rerun"), strict=True))
    opened = next((code for code, tab in found.items() if tab.open), codes[0])
    to_address(key, opened)
    return opened, found
