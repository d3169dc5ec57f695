"""Census reports in the shape of forms 3-НК (bachelor students) and 1-НК (master's and doctoral
students), rules B20: the students on the census date by the form's rows and columns, and the
year's movement.

The rows, columns and parts of each form are the layout seed `stat_form_<form>_layout`, evaluated
by the dbt model `rpt_stat_form_<form>` (one row per census date, faculty, part, row and column);
this module only picks the census date and faculty, sums over faculties, and lays the cells out
as a table per part. So a line added to the seed shows here with no change to this code.

As the form is filed: every row has a code of its own (a line that expands into one row per value
found, `program_code=*`, numbers its rows `03.1`, `03.2`, ... in the order shown; a column that expands
likewise), each part is a sheet of the XLSX with the codes in its first row and column, and the form's
header (БИН, respondent, period, executor, phone) comes from settings.yml (docs/rules.md B20).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from policy import settings
from registrar.common.i18n import t
from registrar.reports.base import FORMATS, Report, ReportDocument, ReportError, ReportParams, Section
from registrar.reports.export import university_name

LANGS = ("kk", "ru", "en")


def census_dates(con: duckdb.DuckDBPyConnection, form: str) -> list[dt.date]:
    """The census dates the form has, oldest first."""
    return [d for (d,) in con.execute(
        f"select distinct census_date from main.rpt_stat_form_{form} order by 1"  # noqa: S608 - form is a constant
    ).fetchall()]


def _census_date(con: duckdb.DuckDBPyConnection, form: str, as_of: dt.date | None, lang: str) -> dt.date:
    """`as_of` when it is a census date of the data, else the latest one when none is given."""
    dates = census_dates(con, form)
    if not dates:
        raise ReportError(t("stat_form_err_no_census", lang))
    if as_of is None:
        return dates[-1]
    if as_of not in dates:
        raise ReportError(t("stat_form_err_not_census_date", lang, value=f"{as_of:%Y-%m-%d}",
                            dates=", ".join(f"{d:%Y-%m-%d}" for d in dates)))
    return as_of


def _cells(con: duckdb.DuckDBPyConnection, form: str, census: dt.date, faculty: str | None,
           lang: str) -> pd.DataFrame:
    """The form's cells on one census date, summed over faculties (or of one faculty)."""
    return con.execute(
        f"""
        select part, part_sort_order, part_label_{lang} as part_label,
               row_code, row_value, row_sort_order, row_value_sort_order, row_label_{lang} as row_label,
               column_code, column_value, column_sort_order, column_value_sort_order,
               column_label_{lang} as column_label, sum(n)::bigint as n
        from main.rpt_stat_form_{form}
        where census_date = ? and (?::varchar is null or faculty_code = ?)
        group by all
        """,  # noqa: S608 - only the form (a constant) and the language (one of LANGS) are formatted in
        [census, faculty, faculty],
    ).df()


def _order(frame: pd.DataFrame, prefix: str) -> list[tuple[str, str]]:
    """The (code, value) of the rows or columns in the layout's order: the line's sort order, then the
    value's order in its seed, then the value."""
    keys = frame[[f"{prefix}_code", f"{prefix}_value", f"{prefix}_sort_order", f"{prefix}_value_sort_order"]]
    keys = keys.drop_duplicates().sort_values(
        [f"{prefix}_sort_order", f"{prefix}_value_sort_order", f"{prefix}_value"], na_position="last")
    return list(zip(keys[f"{prefix}_code"], keys[f"{prefix}_value"], strict=True))


def _line_codes(keys: list[tuple[str, str]]) -> list[str]:
    """The code printed for each row (or column): the layout code of a fixed line, and for a line that
    expands into one per value its code and the value's place, `03.1`, `03.2`, ... (unique per part)."""
    expanded = {code for code, value in keys if value != ""}
    seen: dict[str, int] = {}
    shown = []
    for code, _value in keys:
        if code in expanded:
            seen[code] = seen.get(code, 0) + 1
            shown.append(f"{code}.{seen[code]}")
        else:
            shown.append(code)
    return shown


def _part_section(heading: str, cells: pd.DataFrame, lang: str) -> Section:
    """One part as a table: the row code and label, then one column per layout column (headed
    "<code>. <label>"; printed with the label as header and the code in a row of codes under it)."""
    columns = _order(cells, "column")
    rows = _order(cells, "row")
    column_labels = cells.drop_duplicates(["column_code", "column_value"]).set_index(
        ["column_code", "column_value"])["column_label"]
    row_labels = cells.drop_duplicates(["row_code", "row_value"]).set_index(["row_code", "row_value"])["row_label"]
    counts = cells.set_index(["row_code", "row_value", "column_code", "column_value"])["n"]
    column_codes = _line_codes(columns)
    labels = [str(column_labels[key]) for key in columns]
    headers = [f"{code}. {label}" for code, label in zip(column_codes, labels, strict=True)]
    records = []
    for shown_code, (row_code, row_value) in zip(_line_codes(rows), rows, strict=True):
        record: dict[str, object] = {
            t("stat_form_col_code", lang): shown_code,
            t("stat_form_col_line", lang): row_labels[(row_code, row_value)],
        }
        for header, (code, value) in zip(headers, columns, strict=True):
            record[header] = int(counts.get((row_code, row_value, code, value), 0))
        records.append(record)
    frame = pd.DataFrame.from_records(
        records, columns=[t("stat_form_col_code", lang), t("stat_form_col_line", lang), *headers])
    return Section(heading, frame,
                   column_codes=[t("stat_form_code_a", lang), t("stat_form_code_b", lang), *column_codes],
                   headers=[t("stat_form_col_code", lang), t("stat_form_col_line", lang), *labels])


def form_header(census: dt.date, lang: str) -> list[tuple[str, object]]:
    """The form's header as filed: the census date (a date), the reporting period (the census year:
    from the day after the previous census date), and from settings.yml the university's БИН, the
    respondent (the university's name), the executor and the phone."""
    values = settings()
    previous = census.replace(year=census.year - 1) + dt.timedelta(days=1)
    return [
        (t("stat_form_census_date", lang), census),
        (t("stat_form_period", lang), f"{previous:%d.%m.%Y} – {census:%d.%m.%Y}"),
        (t("stat_form_bin", lang), str(values.get("university_bin") or "")),
        (t("stat_form_respondent", lang), university_name(lang)),
        (t("stat_form_executor", lang), str(values.get("stat_form_executor") or "")),
        (t("stat_form_phone", lang), str(values.get("stat_form_phone") or "")),
    ]


def build_form(form: str, con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    """The form on `params.as_of` (a census date; default the latest), for the university or one
    faculty (`params.faculty`, checked by the parameter parser), one section per part of its layout."""
    lang = params.lang if params.lang in LANGS else "kk"
    census = _census_date(con, form, params.as_of, lang)
    cells = _cells(con, form, census, params.faculty, lang)
    if cells.empty:
        raise ReportError(t("stat_form_err_no_faculty_rows", lang, faculty=params.faculty or "",
                            form=t(f"stat_form_{form}_title", lang), date=f"{census:%Y-%m-%d}"))
    faculty = t("stat_form_all_faculties", lang)
    if params.faculty:
        name = con.execute(f"select name_{lang} from main.dim_faculties where faculty_code = ?",  # noqa: S608
                           [params.faculty]).fetchone()
        faculty = f"{params.faculty} {name[0]}" if name and name[0] else params.faculty
    parts = cells[["part", "part_sort_order", "part_label"]].drop_duplicates().sort_values("part_sort_order")
    sections = [_part_section(label, cells[cells["part"] == part], lang)
                for part, label in zip(parts["part"], parts["part_label"], strict=True)]
    stem = "_".join([f"stat_form_{form}", *([params.faculty] if params.faculty else []), f"{census:%Y-%m-%d}"])
    header = form_header(census, lang)
    return ReportDocument(
        title=t(f"stat_form_{form}_title", lang),
        parameters=[*header[:2], (t("stat_form_faculty", lang), faculty), *header[2:]],
        sections=sections,
        file_stem=stem,
        sheet_per_section=True,
    )


def build_3nk(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    """Form 3-НК: bachelor students (layout seed stat_form_3nk_layout)."""
    return build_form("3nk", con, params)


def build_1nk(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    """Form 1-НК: master's and doctoral students (layout seed stat_form_1nk_layout)."""
    return build_form("1nk", con, params)


REPORTS = (
    Report(name="stat_form_3nk", title_key="stat_form_3nk_title", description_key="stat_form_3nk_description",
           required=(), optional=("as_of", "faculty"), formats=FORMATS, build=build_3nk),
    Report(name="stat_form_1nk", title_key="stat_form_1nk_title", description_key="stat_form_1nk_description",
           required=(), optional=("as_of", "faculty"), formats=FORMATS, build=build_1nk),
)
