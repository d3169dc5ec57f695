"""The Academic Council's yearly pack (statute 6.1; docs/rules.md B33) for an academic year: the
contingent on this year's and the previous year's census dates by faculty, the movements of the year,
the changes of funding, the distribution of cumulative GPA at the year's end, success and quality of the
year's regular sessions by faculty and the retention of each cohort on the year's census date, with bar
charts in the PDF. Every figure is a filtered sum over a mart (fct_census_dates, fct_contingent_monthly,
fct_contingent_movements, fct_attestation_breakdown, fct_cohort_retention) or rpt_annual_gpa_bands;
rates are sums of counts, never means of rates."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from registrar.common.i18n import t
from registrar.reports import params as report_params
from registrar.reports._lists import label, section, show_date
from registrar.reports.base import Chart, Report, ReportDocument, ReportError, ReportParams, Section


def year_bounds(con: duckdb.DuckDBPyConnection, year: str) -> tuple[dt.date, dt.date]:
    """The academic year's days: from its first term's start to the day before the next year's first term
    starts (the last term's end for the last year), by dim_terms."""
    row = con.execute("""
        select min(starts_on), coalesce(
            (select min(n.starts_on) - 1 from main.dim_terms as n
             where n.academic_year_start = y.academic_year_start + 1),
            max(ends_on))
        from main.dim_terms as y where academic_year = ? group by academic_year_start
    """, [year]).fetchone()
    return row[0], row[1]


def census_dates(con: duckdb.DuckDBPyConnection, year: str, lang: str) -> tuple[dt.date, dt.date | None]:
    """This year's census date (the one in the first calendar year of the academic year) and the previous
    year's (None when the data start with this one); a year without a census date is refused."""
    start = int(year.split("-")[0])
    dates = dict(con.execute("select year(snapshot_date), snapshot_date from main.fct_census_dates "
                             "where year(snapshot_date) in (?, ?)", [start, start - 1]).fetchall())
    if start not in dates:
        raise ReportError(t("lists_ar_err_no_census", lang, year=year))
    return dates[start], dates.get(start - 1)


def contingent(con: duckdb.DuckDBPyConnection, lang: str, this: dt.date, previous: dt.date | None) -> Section:
    rows = section(con, t("lists_ar_contingent", lang, date=show_date(this),
                          previous=show_date(previous) if previous else "—"), f"""
        with counts as (
            -- a faculty with nobody on one date counts 0 there; no previous census date, no count
            select faculty_code,
                   case when $previous is not null then coalesce(sum(headcount) filter (
                       where snapshot_date = $previous), 0) end::bigint as previous_headcount,
                   coalesce(sum(headcount) filter (where snapshot_date = $this), 0)::bigint as headcount,
                   coalesce(sum(n_enrolled) filter (where snapshot_date = $this), 0)::bigint as n_enrolled
            from main.fct_contingent_monthly
            where is_census_date and snapshot_date in ($this, $previous)
            group by faculty_code
        )
        select c.faculty_code, f.{label('name', lang)} as faculty, c.previous_headcount, c.headcount,
               c.headcount - c.previous_headcount as change, c.n_enrolled
        from counts as c left join main.dim_faculties as f on c.faculty_code = f.faculty_code
        order by c.faculty_code
    """, {"this": this, "previous": previous}, {
        "faculty_code": "lists_code_of_faculty", "faculty": "lists_faculty",
        "previous_headcount": "lists_ar_previous_headcount", "headcount": "lists_ar_headcount",
        "change": "lists_ar_change", "n_enrolled": "lists_ar_enrolled"}, lang)
    frame = rows.frame
    rows.charts.append(Chart(
        t("lists_ar_chart_contingent", lang), [str(c) for c in frame.iloc[:, 0]],
        [(show_date(previous) if previous else "—", [_num(v) for v in frame.iloc[:, 2]]),
         (show_date(this), [_num(v) for v in frame.iloc[:, 3]])]))
    return rows


def _num(value: object) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    year = report_params.parse_year(params.year or "", con, lang)  # a year with terms in the warehouse
    this, previous = census_dates(con, year, lang)
    start, end = year_bounds(con, year)
    period = {"start": start, "end": end}
    sections = [contingent(con, lang, this, previous)]
    sections.append(section(con, t("lists_ar_movements", lang), f"""
        select min(m.{label('movement_label', lang)}) as movement, count(*) as n_lines,
               count(*) filter (where m.is_headcount_inflow) as n_inflow,
               count(*) filter (where m.is_headcount_outflow) as n_outflow
        from main.fct_contingent_movements as m
        where m.effective_date between $start and $end and not m.is_before_entry
        group by m.movement order by count(*) desc, m.movement
    """, period, {"movement": "lists_movement", "n_lines": "lists_ar_n_movements",
                  "n_inflow": "lists_ar_n_inflow", "n_outflow": "lists_ar_n_outflow"}, lang))
    sections.append(section(con, t("lists_ar_reasons", lang), f"""
        select min(m.{label('movement_label', lang)}) as movement, min(m.{label('reason_label', lang)}) as reason,
               count(*) as n_lines
        from main.fct_contingent_movements as m
        where m.effective_date between $start and $end and not m.is_before_entry and m.is_headcount_outflow
        group by m.movement, m.reason order by m.movement, count(*) desc, m.reason
    """, period, {"movement": "lists_movement", "reason": "lists_reason", "n_lines": "lists_ar_n_movements"}, lang))
    sections.append(section(con, t("lists_ar_funding", lang), f"""
        with changes as (
            select funding_before, funding_after, count(*) as n_students
            from main.fct_contingent_movements
            where effective_date between $start and $end and not is_before_entry
              and funding_before is not null and funding_after is not null and funding_before <> funding_after
            group by all
        ),
        labels as (
            select funding, min({label('funding_label', lang)}) as name, min(funding_sort_order) as sort_order
            from main.fct_contingent_monthly group by funding
        )
        select coalesce(b.name, c.funding_before) as funding_before, coalesce(a.name, c.funding_after) as funding_after,
               c.n_students
        from changes as c
        left join labels as b on c.funding_before = b.funding
        left join labels as a on c.funding_after = a.funding
        order by b.sort_order, a.sort_order
    """, period, {
        "funding_before": "lists_ar_funding_before", "funding_after": "lists_ar_funding_after",
        "n_students": "lists_ar_n_students"}, lang))
    sections.append(gpa_bands(con, lang, year))
    sections.append(attestation(con, lang, year))
    sections.append(section(con, t("lists_ar_retention", lang, date=show_date(this)), """
        select intake_year, min(years_after) as years_after, sum(n_students)::bigint as cohort_size,
               coalesce(sum(n_students) filter (where is_enrolled), 0)::bigint as n_enrolled,
               coalesce(sum(n_students) filter (where is_graduated), 0)::bigint as n_graduated,
               coalesce(sum(n_students) filter (where is_dropout), 0)::bigint as n_dropout,
               round(coalesce(sum(n_students) filter (where is_enrolled), 0) / sum(n_students), 4) as share_enrolled,
               round(coalesce(sum(n_students) filter (where is_dropout), 0) / sum(n_students), 4) as dropout_rate
        from main.fct_cohort_retention where observed_on = $this
        group by intake_year order by intake_year
    """, {"this": this}, {
        "intake_year": "lists_ar_intake_year", "years_after": "lists_ar_years_after",
        "cohort_size": "lists_ar_cohort_size", "n_enrolled": "lists_ar_n_enrolled",
        "n_graduated": "lists_ar_n_graduated", "n_dropout": "lists_ar_n_dropout",
        "share_enrolled": "lists_ar_share_enrolled", "dropout_rate": "lists_ar_dropout_rate"}, lang))
    parameters: list[tuple[str, object]] = [
        (t("lists_academic_year", lang), year), (t("lists_ar_census_date", lang), this),
        (t("lists_ar_previous_census_date", lang), previous or "—"),
        (t("lists_period", lang), f"{show_date(start)} – {show_date(end)}")]
    return ReportDocument(title=t("lists_ar_title", lang, year=year), parameters=parameters, sections=sections,
                          file_stem=f"annual_report_{year}")


def gpa_bands(con: duckdb.DuckDBPyConnection, lang: str, year: str) -> Section:
    rows = section(con, t("lists_ar_gpa", lang), """
        select band_order, min(band_from) as band_from, min(band_to) as band_to, sum(n_students)::bigint as n_students
        from main.rpt_annual_gpa_bands where academic_year = $year
        group by band_order order by band_order
    """, {"year": year}, {"band_from": "lists_ar_band_from", "band_to": "lists_ar_band_to",
                          "n_students": "lists_ar_n_students"}, lang)
    frame = rows.frame
    names = [f"{lo:.2f}–{hi:.2f}" if hi is not None and not pd.isna(hi) else f"≥ {lo:.2f}"
             for lo, hi in zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True)]
    rows.charts.append(Chart(t("lists_ar_chart_gpa", lang), names,
                             [(t("lists_ar_n_students", lang), [_num(v) for v in frame.iloc[:, 2]])]))
    return rows


def attestation(con: duckdb.DuckDBPyConnection, lang: str, year: str) -> Section:
    rows = section(con, t("lists_ar_attestation", lang), f"""
        with sums as (
            select b.faculty_code, sum(b.n_graded)::bigint as n_graded, sum(b.n_passed)::bigint as n_passed,
                   sum(b.n_quality)::bigint as n_quality
            from main.fct_attestation_breakdown as b
            inner join main.dim_terms as d on b.academic_year = d.academic_year and b.term = d.term
            where b.academic_year = $year and d.is_regular_semester
            group by b.faculty_code
        )
        select s.faculty_code, f.{label('name', lang)} as faculty, s.n_graded, s.n_passed, s.n_quality,
               round(s.n_passed / nullif(s.n_graded, 0), 4) as success_rate,
               round(s.n_quality / nullif(s.n_graded, 0), 4) as quality_rate
        from sums as s left join main.dim_faculties as f on s.faculty_code = f.faculty_code
        order by s.faculty_code
    """, {"year": year}, {
        "faculty_code": "lists_code_of_faculty", "faculty": "lists_faculty", "n_graded": "lists_ar_n_graded",
        "n_passed": "lists_ar_n_passed", "n_quality": "lists_ar_n_quality",
        "success_rate": "lists_ar_success_rate", "quality_rate": "lists_ar_quality_rate"}, lang)
    frame = rows.frame
    rows.charts.append(Chart(
        t("lists_ar_chart_attestation", lang), [str(c) for c in frame.iloc[:, 0]],
        [(t("lists_ar_success_rate", lang), [round(100 * _num(v), 1) for v in frame.iloc[:, 5]]),
         (t("lists_ar_quality_rate", lang), [round(100 * _num(v), 1) for v in frame.iloc[:, 6]])]))
    return rows


REPORT = Report(
    name="annual_report",
    title_key="lists_ar_name",
    description_key="lists_ar_description",
    required=("year",),
    optional=(),
    formats=("xlsx", "csv", "pdf"),
    build=build,
    on_lists_page=False,
)
