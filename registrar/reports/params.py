"""Parse a report's parameters and check them against the published warehouse.

The CLI and the dashboards' Reports page both call `parse`; every refusal is a ReportError
whose message (in the chosen language) names the parameter and what was wrong with it.
Dates are YYYY-MM-DD; a quarter is YYYYQn. "The data" spans from the first order's
effective date to the data's last date: the extract date the refresh recorded (meta.refresh:
the latest order, grade-sheet or protocol date of the extract), or, in a warehouse published
before it was recorded, the later of the last order and the last term's end (dim_terms).
A date before the first order could only print an empty report, and a date after the last one
would silently repeat the last state as if nothing had happened since (issue 23): an --as-of or
--to after the data, and a quarter that ends after it, are refused naming the data's last date.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from registrar.common.i18n import LANGUAGES, t
from registrar.reports.base import Param, Report, ReportError, ReportParams

# How each parameter is spelled on the command line, for the messages.
OPTION = {"as_of": "--as-of", "quarter": "--quarter", "period": "--from/--to", "student": "--student",
          "faculty": "--faculty", "year": "--year", "term": "--term"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter written YYYYQn (already checked)."""
    year, n = int(quarter[:4]), int(quarter[-1])
    first = dt.date(year, 3 * n - 2, 1)
    after = dt.date(year + 1, 1, 1) if n == 4 else dt.date(year, 3 * n + 1, 1)
    return first, after - dt.timedelta(days=1)


def parse_date(value: str | dt.date, option: str, lang: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    try:
        if not _DATE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ReportError(t("report_err_date", lang, option=option, value=value)) from None


def parse_quarter(value: str, lang: str) -> str:
    """The quarter as YYYYQn, or a ReportError (2025Q5, 2025-Q1 and 25Q1 are refused)."""
    text = value.strip().upper()
    if not _QUARTER.match(text):
        raise ReportError(t("report_err_quarter_format", lang, value=value))
    return text


def parse_year(value: str, con: duckdb.DuckDBPyConnection, lang: str) -> str:
    """An academic year YYYY-YYYY (the second year the next one) that the warehouse has terms of."""
    text = str(value).strip()
    found = _YEAR.match(text)
    if not found or int(found.group(2)) != int(found.group(1)) + 1:
        raise ReportError(t("report_err_year_format", lang, value=value))
    years = [r[0] for r in con.execute("select distinct academic_year from main.dim_terms "
                                       "order by academic_year").fetchall()]
    if text not in years:
        raise ReportError(t("report_err_year_unknown", lang, value=text,
                            first=years[0] if years else "—", last=years[-1] if years else "—"))
    return text


def parse_term(value: str, year: str, con: duckdb.DuckDBPyConnection, lang: str) -> str:
    """A term (seed terms: 1, 2, summer) of `year` whose session has results in the warehouse."""
    text = str(value).strip().lower()
    terms = [r[0] for r in con.execute("select term from main.dim_terms where term_order is not null "
                                       "group by term order by min(term_order)").fetchall()]
    if text not in terms:
        raise ReportError(t("report_err_term_format", lang, value=value, choices=", ".join(terms)))
    graded = con.execute("select count(*) from main.dim_terms where academic_year = ? and term = ? and has_grades",
                         [year, text]).fetchone()[0]
    if not graded:
        raise ReportError(t("report_err_term_no_session", lang, year=year, term=text))
    return text


def latest_graded_term(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """The latest regular term (1 or 2) with results, as (academic_year, term): the pickers' default,
    so a page never opens on a summer term's handful of retakes (issue 23)."""
    row = con.execute("select academic_year, term from main.dim_terms where is_regular_semester and has_grades "
                      "order by term_seq desc limit 1").fetchone()
    return (row[0], row[1]) if row else None


def extract_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The data's last date as the refresh recorded it (meta.refresh.extract_date), or None in a
    warehouse published before it was recorded. The dashboards' "data as of" line reads the same."""
    if not con.execute("select count(*) from information_schema.columns where table_schema = 'meta' "
                       "and table_name = 'refresh' and column_name = 'extract_date'").fetchone()[0]:
        return None
    row = con.execute("select max(extract_date) from meta.refresh").fetchone()
    return row[0] if row else None


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    """First order's effective date and the last day the warehouse has data for (the extract date)."""
    first, fallback = con.execute(
        "select min(effective_date), greatest(max(effective_date), "
        "(select max(ends_on) from main.dim_terms)) from main.fct_contingent_movements"
    ).fetchone() or (None, None)
    if first is None or fallback is None:
        raise ReportError("the published warehouse has no orders")
    return first, extract_date(con) or fallback


def last_complete_quarter(last: dt.date) -> str:
    """The latest quarter that ends on or before `last` (the quarter pickers' default)."""
    year, n = last.year, (last.month - 1) // 3 + 1
    if quarter_bounds(f"{year}Q{n}")[1] > last:
        year, n = (year - 1, 4) if n == 1 else (year, n - 1)
    return f"{year}Q{n}"


def parse(
    report: Report,
    con: duckdb.DuckDBPyConnection,
    *,
    fmt: str | None = None,
    lang: str = "en",
    as_of: str | dt.date | None = None,
    quarter: str | None = None,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
    student: str | None = None,
    faculty: str | None = None,
    year: str | None = None,
    term: str | None = None,
) -> ReportParams:
    """Check every parameter given (strings as typed, or dates from a date widget) for `report`."""
    if lang not in LANGUAGES:
        raise ReportError(t("report_err_lang", "en", value=lang, choices=", ".join(LANGUAGES)))
    if fmt is not None and fmt not in report.formats:
        raise ReportError(t("report_err_format", lang, report=report.name, value=fmt,
                            choices=", ".join(report.formats)))
    given: dict[Param, bool] = {
        "as_of": as_of not in (None, ""), "quarter": quarter not in (None, ""),
        "period": date_from not in (None, "") or date_to not in (None, ""),
        "student": student not in (None, ""), "faculty": faculty not in (None, ""),
        "year": year not in (None, ""), "term": term not in (None, ""),
    }
    takes = set(report.required) | set(report.optional)
    for param, is_given in given.items():
        if is_given and param not in takes:
            raise ReportError(t("report_err_not_a_param", lang, option=OPTION[param], report=report.name))
    for param in report.required:
        if not given[param]:
            raise ReportError(t("report_err_missing", lang, option=OPTION[param], report=report.name))

    parsed: dict[str, object] = {"lang": lang}
    if given["as_of"] or given["quarter"] or given["period"]:
        first, last = data_span(con)
    if given["as_of"]:
        day = parse_date(as_of, "--as-of", lang)  # type: ignore[arg-type]
        if day < first:
            raise ReportError(t("report_err_before_data", lang, option="--as-of", value=day.isoformat(),
                                first=first.isoformat()))
        if day > last:
            raise ReportError(t("report_err_after_data", lang, option="--as-of", value=day.isoformat(),
                                last=last.isoformat()))
        parsed["as_of"] = day
    if given["quarter"]:
        q = parse_quarter(quarter, lang)  # type: ignore[arg-type]
        q_first, q_last = quarter_bounds(q)
        if q_last < first or q_first > last:
            raise ReportError(t("report_err_quarter_outside", lang, value=q, first=first.isoformat(),
                                last=last.isoformat()))
        if q_last > last:
            raise ReportError(t("report_err_quarter_incomplete", lang, value=q, end=q_last.isoformat(),
                                last=last.isoformat(), complete=last_complete_quarter(last)))
        parsed["quarter"] = q
    if given["period"]:
        if date_from in (None, "") or date_to in (None, ""):
            raise ReportError(t("report_err_period_half", lang))
        start = parse_date(date_from, "--from", lang)  # type: ignore[arg-type]
        end = parse_date(date_to, "--to", lang)  # type: ignore[arg-type]
        if start > end:
            raise ReportError(t("report_err_period_order", lang, start=start.isoformat(), end=end.isoformat()))
        if end < first:
            raise ReportError(t("report_err_before_data", lang, option="--to", value=end.isoformat(),
                                first=first.isoformat()))
        if start > last:
            raise ReportError(t("report_err_after_data", lang, option="--from", value=start.isoformat(),
                                last=last.isoformat()))
        if end > last:
            raise ReportError(t("report_err_after_data", lang, option="--to", value=end.isoformat(),
                                last=last.isoformat()))
        parsed["date_from"], parsed["date_to"] = start, end
    if given["student"]:
        sid = str(student).strip()
        if not con.execute("select count(*) from main.dim_students where student_id = ?", [sid]).fetchone()[0]:
            raise ReportError(t("report_err_student", lang, value=sid))
        parsed["student"] = sid
    if given["faculty"]:
        code = str(faculty).strip()
        if not con.execute("select count(*) from main.dim_faculties where faculty_code = ?", [code]).fetchone()[0]:
            raise ReportError(t("report_err_faculty", lang, value=code))
        parsed["faculty"] = code
    if given["term"] and not given["year"]:
        raise ReportError(t("report_err_term_without_year", lang))
    if given["year"]:
        parsed["year"] = parse_year(year, con, lang)  # type: ignore[arg-type]
    if given["term"]:
        parsed["term"] = parse_term(term, parsed["year"], con, lang)  # type: ignore[arg-type]
    return ReportParams(**parsed)  # type: ignore[arg-type]


def academic_years(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The academic years the warehouse has terms of, newest first (the year pickers' choices)."""
    return [r[0] for r in con.execute("select distinct academic_year from main.dim_terms "
                                      "order by academic_year desc").fetchall()]


def term_labels(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    """Each term of the warehouse known to seed terms, with its label in `lang`, in term order (the term
    pickers' choices)."""
    if lang not in LANGUAGES:
        raise ReportError(t("report_err_lang", "en", value=lang, choices=", ".join(LANGUAGES)))
    return dict(con.execute(f"select term, any_value(label_{lang}) from main.dim_terms "  # noqa: S608
                            "where term_order is not null group by term order by min(term_order)").fetchall())


def faculty_names(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    """Each faculty's code and name in `lang`, by code (the faculty pickers' choices)."""
    if lang not in LANGUAGES:
        raise ReportError(t("report_err_lang", "en", value=lang, choices=", ".join(LANGUAGES)))
    return dict(con.execute(f"select faculty_code, name_{lang} from main.dim_faculties "  # noqa: S608
                            "order by faculty_code").fetchall())
