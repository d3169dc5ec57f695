"""The diploma register of an academic year (statute 4.1.11-4.1.12, rules B32): every diploma and
supplement issued in the year, in issue order, with its series and number, the holder, honours and the
number a duplicate replaces; then the count per kind: issued, originals, duplicates, with honours."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import collation, faculty_name, label, section
from registrar.reports.base import Report, ReportDocument, ReportError, ReportParams

NAME = "diploma_register"


def require_register(con: duckdb.DuckDBPyConnection, lang: str) -> None:
    """Refuse when the warehouse holds no diploma register (the extract had no diplomas file)."""
    if not con.execute("select count(*) from main.fct_diplomas").fetchone()[0]:
        raise ReportError(t("diplomas_err_no_register", lang))


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang, year = params.lang, params.year
    if year is None:
        raise ReportError(t("report_err_missing", lang, option="--year", report=NAME))
    require_register(con, lang)
    faculty = faculty_name(con, params)
    args = {"year": year, "faculty": params.faculty, "yes": t("diplomas_yes", lang)}
    register = section(con, t("diplomas_section_register", lang), f"""
        select d.issued_on, d.{label('kind_label', lang)} as kind, d.series, d.number, d.student_id, d.full_name,
               d.program_code, p.{label('name', lang)} as program_name,
               case when d.honours then $yes end as honours, d.duplicate_of
        from main.fct_diplomas as d
        left join main.dim_programs as p on d.program_code = p.program_code
        where d.academic_year = $year and ($faculty is null or d.faculty_code = $faculty)
        order by d.issued_on, d.kind_sort_order, d.series, d.number_value
    """, args, {
        "issued_on": "diplomas_col_issued_on", "kind": "diplomas_col_kind", "series": "diplomas_col_series",
        "number": "diplomas_col_number", "student_id": "lists_student_id", "full_name": "lists_full_name",
        "program_code": "lists_program_code", "program_name": "lists_program", "honours": "diplomas_col_honours",
        "duplicate_of": "diplomas_col_duplicate_of",
    }, lang)
    totals = section(con, t("diplomas_section_totals", lang), f"""
        select any_value(d.{label('kind_label', lang)}) as kind, count(*) as n_issued,
               count(*) filter (where not d.is_duplicate) as n_originals,
               count(*) filter (where d.is_duplicate) as n_duplicates,
               count(*) filter (where d.honours) as n_honours
        from main.fct_diplomas as d
        where d.academic_year = $year and ($faculty is null or d.faculty_code = $faculty)
        group by d.kind_sort_order, d.kind
        order by d.kind_sort_order, d.kind collate {collation(lang)}
    """, {"year": year, "faculty": params.faculty}, {
        "kind": "diplomas_col_kind", "n_issued": "diplomas_col_n_issued", "n_originals": "diplomas_col_n_originals",
        "n_duplicates": "diplomas_col_n_duplicates", "n_honours": "diplomas_col_n_honours",
    }, lang)
    parameters = [(t("diplomas_year", lang), year)]
    if faculty:
        parameters.append((t("lists_faculty", lang), faculty))
    return ReportDocument(
        title=t("diplomas_register_title", lang, year=year), parameters=parameters, sections=[register, totals],
        file_stem=f"{NAME}_{year}" + (f"_{params.faculty}" if params.faculty else "") + f"_{lang}")


REPORT = Report(
    name=NAME,
    title_key="diplomas_register_name",
    description_key="diplomas_register_description",
    required=("year",),
    optional=("faculty",),
    formats=("xlsx", "csv", "pdf"),
    build=build,
)
