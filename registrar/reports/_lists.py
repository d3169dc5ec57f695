"""What the list reports of the registrar (state-grant credits, withdrawals, the movement register,
the alphabetical book, archive files, final attestation, grade-sheet timeliness, the term-end lists)
share: checking their period, quarter and faculty against the warehouse, the collation and label
columns of the chosen language, reading a query into a section with translated headers, and the
document's parameters block and file stem (list_document) and the report itself (list_report).

Private to `registrar.reports.library`; the catalogue only discovers modules of that package.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from registrar.common.i18n import LANGUAGES, t
from registrar.reports import params as report_params
from registrar.reports.base import (
    FORMATS,
    Param,
    Report,
    ReportDocument,
    ReportError,
    ReportParams,
    Section,
)


def collation(lang: str) -> str:
    """The ICU collation that sorts names in `lang`: Kazakh for kk, Russian for ru and en (the
    names are Cyrillic either way), so Ә follows А and Ө follows О, not byte order."""
    return "kk" if lang == "kk" else "ru"


def label(column: str, lang: str) -> str:
    """The column holding `column`'s text in `lang`, e.g. label('name', 'ru') == 'name_ru'."""
    if lang not in LANGUAGES:
        raise ReportError(t("lists_bad_lang", "en", lang=lang, langs=", ".join(LANGUAGES)))
    return f"{column}_{lang}"


def show_date(day: dt.date) -> str:
    """A date as the parameters block shows it (dd.mm.yyyy, as the office writes dates)."""
    return day.strftime("%d.%m.%Y")


def show_period(start: dt.date, end: dt.date) -> str:
    """A period as the parameters block shows it: dd.mm.yyyy – dd.mm.yyyy."""
    return f"{show_date(start)} – {show_date(end)}"


def period_stem(start: dt.date, end: dt.date) -> str:
    """A period as a file stem names it: yyyymmdd-yyyymmdd."""
    return f"{start:%Y%m%d}-{end:%Y%m%d}"


def check_span(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, lang: str) -> None:
    """Refuse a period that ends before the first order of the warehouse: it holds nothing."""
    first = report_params.data_span(con)[0]
    if end < first:
        raise ReportError(t("lists_before_first_order", lang, end=show_date(end),
                            first=show_date(first)))


def period(params: ReportParams, required: bool) -> tuple[dt.date, dt.date] | None:
    """The --from/--to period, checked: both given (when required), from on or before to."""
    if params.date_from is None and params.date_to is None and not required:
        return None
    if params.date_from is None or params.date_to is None:
        raise ReportError(t("lists_period_needed", params.lang))
    if params.date_from > params.date_to:
        raise ReportError(t("lists_period_reversed", params.lang, start=show_date(params.date_from),
                            end=show_date(params.date_to)))
    return params.date_from, params.date_to


def quarter_bounds(quarter: str | None, lang: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter written as 2025Q1 (the parser's own check and arithmetic)."""
    return report_params.quarter_bounds(report_params.parse_quarter(quarter or "", lang))


def check_quarter(con: duckdb.DuckDBPyConnection, quarter: str | None, lang: str) -> tuple[dt.date, dt.date]:
    """The quarter's bounds, refused when it lies wholly outside the warehouse's data (params.data_span)."""
    start, end = quarter_bounds(quarter, lang)
    first, last = report_params.data_span(con)
    if end < first or start > last:
        raise ReportError(t("report_err_quarter_outside", lang, value=(quarter or "").strip().upper(),
                            first=first.isoformat(), last=last.isoformat()))
    return start, end


def faculty_name(con: duckdb.DuckDBPyConnection, params: ReportParams) -> str | None:
    """The chosen faculty's name in the language, or None with no faculty; an unknown code is refused."""
    if params.faculty is None:
        return None
    row = con.execute(f"select {label('name', params.lang)} from main.dim_faculties where faculty_code = ?",
                      [params.faculty]).fetchone()
    if row is None:
        raise ReportError(t("lists_unknown_faculty", params.lang, faculty=params.faculty))
    return f"{params.faculty} — {row[0]}"


# A list reads its rows from the result of `execute`, which DuckDB warns costs a copy of them (0.05-0.1 s for
# a whole university's list): `con.sql` would not, but refuses to run while an earlier query of the report
# on the same connection has left its result unread (a `fetchone`).
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result makes an extra copy", category=UserWarning)


def section(con: duckdb.DuckDBPyConnection, heading: str, sql: str, args: list[object] | dict[str, object],
            headers: dict[str, str], lang: str) -> Section:
    """Run `sql` (parameters bound) and keep the columns of `headers` (column → translation key),
    renamed to their translated headers, in that order. When every kept column is of a type `_converter`
    knows, the rows come as Arrow and each column is made as `tidy(<the DataFrame>)` would hold it,
    without the Python strings that the DataFrame conversion makes, pandas turns into Arrow strings and
    `tidy` back into objects (0.2-0.3 s of CPU for a whole university's 90,000 promoted students);
    otherwise the same result goes through the DataFrame (`_dataframe_section`). The query runs once."""
    result = con.execute(sql, args)
    kinds = {name: str(kind) for name, kind, *_ in result.description}
    converters = [_converter(kinds[name]) for name in headers]
    if any(convert is None for convert in converters):
        return _dataframe_section(result, heading, headers, lang)
    table = result.to_arrow_table()
    return Section(heading, pd.DataFrame({
        t(key, lang): convert(table.column(name).combine_chunks())  # type: ignore[misc]
        for (name, key), convert in zip(headers.items(), converters, strict=True)}))


def _dataframe_section(result: duckdb.DuckDBPyConnection, heading: str, headers: dict[str, str],
                       lang: str) -> Section:
    """`section` of an executed query through DuckDB's DataFrame and `tidy`: any column type."""
    frame = result.df()
    frame = frame[list(headers)].rename(columns={col: t(key, lang) for col, key in headers.items()})
    return Section(heading, tidy(frame))


_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_DECIMAL_TYPE = re.compile(r"DECIMAL\((\d+),\s*\d+\)")


def _converter(kind: str) -> Callable[[pa.Array], pd.Series] | None:
    """How a column of DuckDB type `kind` becomes what `tidy(con.execute(...).df())` holds, from its Arrow
    array: texts, integers and decimals of up to 18 digits; None for any other type."""
    if kind == "VARCHAR":
        return _texts
    if kind in _INTEGER_TYPES:
        return _integers
    decimal = _DECIMAL_TYPE.fullmatch(kind)
    return _decimals if decimal and int(decimal[1]) <= 18 else None


def _texts(values: pa.Array) -> pd.Series:
    """Texts as objects, None where missing."""
    return pd.Series(values.to_numpy(zero_copy_only=False), dtype=object)


def _integers(values: pa.Array) -> pd.Series:
    """Integers as numpy's, nullable where one is missing."""
    if not values.null_count:
        return pd.Series(values.to_numpy())
    missing = values.is_null().to_numpy(zero_copy_only=False)
    return pd.Series(pd.arrays.IntegerArray(values.fill_null(0).to_numpy(), missing))


def _decimals(values: pa.Array) -> pd.Series:
    """Decimals as floats (NaN where missing), computed as DuckDB computes them: the unscaled integer over ten
    to the scale. The low 64 bits of each 128-bit two's-complement value hold the whole of an 18-digit one."""
    unscaled = np.frombuffer(values.buffers()[1], dtype="<i8")[::2][values.offset:values.offset + len(values)]
    numbers = unscaled.astype(np.float64) / 10.0 ** values.type.scale
    numbers[values.is_null().to_numpy(zero_copy_only=False)] = np.nan
    return pd.Series(numbers)


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as `datetime.date` and missing texts as None, as the exporter expects."""
    for col in frame.columns:
        # dates as datetime.date, so the exporter writes dates, not timestamps
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.date
        # an empty text (no reason) stays empty, not "nan"
        if not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


# --- the term-end lists (issue 18): an academic year, maybe a term, maybe a faculty -------------------

# A row of a list in the chosen faculty, or in any with none chosen (the column `faculty_code` of `alias`).
def in_faculty(alias: str) -> str:
    return f"($faculty is null or {alias}.faculty_code = $faculty)"


def term_name(con: duckdb.DuckDBPyConnection, year: str, term: str, lang: str) -> str:
    """A term as the office names it in `lang` (dim_terms' label), e.g. '1 семестр'."""
    row = con.execute(f"select {label('label', lang)} from main.dim_terms where academic_year = ? and term = ?",
                      [year, term]).fetchone()
    return row[0] if row and row[0] else term


def regular_terms(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The terms whose sessions decide scholarships and vacant grants (seed terms.is_regular_semester)."""
    return [r[0] for r in con.execute("select term from main.dim_terms where is_regular_semester "
                                      "group by term order by min(term_order)").fetchall()]


def require_regular_term(con: duckdb.DuckDBPyConnection, params: ReportParams) -> str:
    """The --term, refused when it is not a regular semester (the summer term decides no scholarship)."""
    terms = regular_terms(con)
    if params.term not in terms:
        raise ReportError(t("lists_err_not_regular_term", params.lang, term=params.term, terms=", ".join(terms)))
    return params.term


def require_year_rows(con: duckdb.DuckDBPyConnection, relation: str, year: str, lang: str) -> None:
    """Refuse a year the list's relation has no row of: the report could only be empty."""
    if not con.execute(f"select count(*) from main.{relation} where academic_year = ?", [year]).fetchone()[0]:
        raise ReportError(t("lists_err_year_no_results", lang, year=year))


def session_parameters(con: duckdb.DuckDBPyConnection, params: ReportParams) -> list[tuple[str, str]]:
    """The parameters block of a term-end list: the academic year, the term (when given), the faculty."""
    parameters = [(t("lists_academic_year", params.lang), params.year or "")]
    if params.term:
        parameters.append((t("lists_term", params.lang), term_name(con, params.year or "", params.term,
                                                                     params.lang)))
    faculty = faculty_name(con, params)
    if faculty:
        parameters.append((t("lists_faculty", params.lang), faculty))
    return parameters


def session_stem(name: str, params: ReportParams) -> str:
    """File stem of a term-end list: report, year, term and faculty as given."""
    return "_".join(part for part in (name, params.year, params.term and f"term{params.term}", params.faculty)
                    if part)


# --- what every list is: its document and its report ---------------------------------------------------

def list_document(con: duckdb.DuckDBPyConnection, params: ReportParams, name: str, title: str,
                  sections: list[Section], *, span: tuple[dt.date, dt.date] | None = None,
                  on: list[tuple[str, object]] | None = None, when: str | None = None,
                  extra: list[tuple[str, object]] | None = None) -> ReportDocument:
    """A list as the exporter writes it, its parameters block and file stem built the same way for
    every list. Without `span` or `on`, a term-end list: its academic year, term and faculty
    (session_parameters), named by them (session_stem). Else a list of a period (`span`, named by
    its dates) or on a day or quarter (`on`, label and value; `when` names it): those parameters,
    then the faculty when one is chosen (an unknown one is refused), the file named `name`, the
    period or `when` and the faculty. `extra` (a rule or threshold the list holds students to)
    comes last."""
    if span is None and on is None:
        parameters, stem = session_parameters(con, params), session_stem(name, params)
    else:
        parameters = [(t("lists_period", params.lang), show_period(*span))] if span else []
        parameters += on or []
        faculty = faculty_name(con, params)
        if faculty:
            parameters.append((t("lists_faculty", params.lang), faculty))
        stem = "_".join(part for part in (name, period_stem(*span) if span else when, params.faculty) if part)
    return ReportDocument(title=title, parameters=parameters + list(extra or []), sections=sections,
                          file_stem=stem)


def list_report(name: str, title_key: str, description_key: str,
                build: Callable[[duckdb.DuckDBPyConnection, ReportParams], ReportDocument], *,
                required: tuple[Param, ...] = (), optional: tuple[Param, ...] = ("faculty",),
                on_lists_page: bool = False) -> Report:
    """A list report: written as XLSX, CSV and PDF, the faculty optional unless `optional` says otherwise."""
    return Report(name=name, title_key=title_key, description_key=description_key, required=required,
                  optional=optional, formats=FORMATS, build=build, on_lists_page=on_lists_page)
