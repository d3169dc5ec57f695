"""Contingent page: the headcount on a date and on each census date by a chosen dimension, the
movements of each month, the status transitions, cohort retention, grant and paid shares, and the
students whose orders do not reach their record in the AIS.

Every count follows rules B10 (headcount = the statuses with `counts_in_headcount` in seed
contingent_statuses, from the status period in force on the date) and B12 (census date); which
statuses, movements and reasons mean what is read from the marts' flag and label columns (taken from
the seeds by the models), never written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboards.data import frame
from registrar.access.scope import Scope
from registrar.common.i18n import t

LANG_COLUMNS = {"kk": "kk", "ru": "ru", "en": "en"}  # the suffix of name_*/label_* per language


def _suffix(lang: str) -> str:
    return LANG_COLUMNS.get(lang, "en")


@dataclass(frozen=True)
class Dimension:
    """A breakdown of the headcount: its column (in fct_contingent_periods and fct_contingent_monthly
    alike), and how it is labelled: `labelled` when both marts carry `<column>_label_<lang>` and
    `<column>_sort_order` beside the code (the code lists of the seeds), else the code is its own label
    (or a translation labels it) unless `names` is a dimension table with the names; `with_code` puts
    the code before the name where names repeat (two programmes of one name at two levels)."""

    column: str
    labelled: bool = False
    names: str | None = None
    with_code: bool = False


# the dimensions a manager can break the headcount down by (fixed in code: safe to put in SQL)
DIMENSIONS: dict[str, Dimension] = {
    "faculty": Dimension("faculty_code", names="main.dim_faculties"),
    "program": Dimension("program_code", names="main.dim_programs", with_code=True),
    "level": Dimension("level", labelled=True),
    "course": Dimension("course"),
    "funding": Dimension("funding", labelled=True),
    "study_form": Dimension("study_form", labelled=True),
    "study_language": Dimension("study_language", labelled=True),
    "citizenship": Dimension("citizenship_group"),
}


def _label_sql(dim: Dimension, lang: str, source: str, alias: str) -> tuple[str, str, str, str]:
    """(the code's label columns counted beside it from `source`, label expression, join clause, sort
    expression) for `dim`, counted in the CTE `alias`."""
    code = f"{alias}.{dim.column}"
    if dim.labelled:
        counted = (f", {source}.{dim.column}_label_{_suffix(lang)} as code_label, "
                   f"{source}.{dim.column}_sort_order as code_sort_order")
        return counted, f"{alias}.code_label", "", f"{alias}.code_sort_order"
    if dim.names is None:
        return "", f"cast({code} as varchar)", "", code
    label = f"coalesce(lab.name_{_suffix(lang)}, cast({code} as varchar))"
    if dim.with_code:
        label = f"cast({code} as varchar) || coalesce(' ' || lab.name_{_suffix(lang)}, '')"
    join = f"left join {dim.names} lab on lab.{dim.column} = {code}"
    return "", label, join, f"{label} collate {'kk' if lang == 'kk' else 'ru'}"


def _finish_labels(found: pd.DataFrame, dimension: str, lang: str) -> pd.DataFrame:
    """Citizenship groups are labelled by the translations (domestic/foreign are the mart's codes)."""
    if dimension == "citizenship" and not found.empty:
        found["label"] = [t(f"con_citizenship_{code}", lang) for code in found["code"]]
    return found


def bounds(scope: Scope) -> dict[str, object]:
    """The first and last snapshot dates, the latest month end (the default date) and the census dates."""
    where, params = scope.faculty_filter("faculty_code")
    found = frame(
        "select min(snapshot_date) as first_date, max(snapshot_date) as last_date, "
        "max(snapshot_date) filter (where is_month_end) as last_month_end "
        f"from main.fct_contingent_monthly where {where}", params)
    row = found.iloc[0].to_dict()
    return {k: (None if pd.isna(v) else pd.Timestamp(v).date()) for k, v in row.items()}


def faculties(scope: Scope, lang: str) -> pd.DataFrame:
    """The faculties this user may see, with names in `lang`, sorted by name."""
    where, params = scope.faculty_filter("faculty_code")
    suffix = _suffix(lang)
    return frame(
        f"select faculty_code, coalesce(name_{suffix}, faculty_code) as name from main.dim_faculties "
        f"where {where} order by name collate {'kk' if lang == 'kk' else 'ru'}", params)


def programs(scope: Scope, lang: str) -> pd.DataFrame:
    """The programmes of the faculties in scope, code and name in `lang`."""
    where, params = scope.faculty_filter("faculty_code")
    suffix = _suffix(lang)
    return frame(
        f"select program_code, program_code || ' ' || coalesce(name_{suffix}, '') as name from main.dim_programs "
        f"where {where} order by program_code", params)


def headcount_on(day: dt.date, dimension: str, scope: Scope, lang: str) -> pd.DataFrame:
    """The headcount on `day` by `dimension` (rules B10): one row per value with `headcount`
    (statuses counting in the headcount) and `n_not_counted` (enrolled but not counted, i.e. on
    academic leave), from the enrolled period in force on that day (the mart's valid_from and
    valid_to_inclusive), as fct_contingent_monthly counts its snapshot dates."""
    dim = DIMENSIONS[dimension]
    where, params = scope.faculty_filter("p.faculty_code")
    counted, label, join, sort = _label_sql(dim, lang, "p", "c")
    # fct_contingent_periods: the enrolled periods with the citizenship group beside them, sorted by
    # valid_from; count on the codes first and name the few groups after (fast at 200,000 students)
    found = frame(
        f"with c as (select p.{dim.column}{counted}, "
        "count(*) filter (where p.counts_in_headcount) as headcount, "
        "count(*) filter (where not p.counts_in_headcount) as n_not_counted "
        "from main.fct_contingent_periods p "
        f"where ? between p.valid_from and p.valid_to_inclusive and {where} group by all) "
        f"select c.{dim.column} as code, {label} as label, {sort} as sort_key, c.headcount, c.n_not_counted "
        f"from c {join} order by sort_key, label",
        [day, *params])
    found = scope.suppress(_finish_labels(found, dimension, lang), "headcount")  # a viewer's small cells (B30)
    return scope.suppress(found, "n_not_counted")


def census_series(dimension: str, scope: Scope, lang: str) -> pd.DataFrame:
    """The headcount on each census date (rules B12) by `dimension`, from fct_contingent_monthly."""
    dim = DIMENSIONS[dimension]
    where, params = scope.faculty_filter("m.faculty_code")
    counted, label, join, sort = _label_sql(dim, lang, "m", "c")
    found = frame(
        f"with c as (select m.snapshot_date, m.{dim.column}{counted}, sum(m.headcount) as headcount, "
        "sum(m.n_enrolled - m.headcount) as n_not_counted "
        f"from main.fct_contingent_monthly m where m.is_census_date and {where} group by all) "
        f"select c.snapshot_date, c.{dim.column} as code, {label} as label, {sort} as sort_key, "
        f"c.headcount, c.n_not_counted from c {join} order by c.snapshot_date, sort_key, label", params)
    found = scope.suppress(_finish_labels(found, dimension, lang), "headcount", margins=[["snapshot_date"]])
    return scope.suppress(found, "n_not_counted", margins=[["snapshot_date"]])


def first_complete_census() -> dt.date | None:
    """The first complete census of the data (fct_census_dates, rules B12): the first census date with
    enrolled students in every course of each level's normal duration; None when no census date is. The
    rule is university-wide (the extract's history is), so it is the same for every faculty and scope."""
    found = frame("select min(first_complete_census) as first_complete from main.fct_census_dates")
    value = found["first_complete"].iloc[0] if not found.empty else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def movement_faculty() -> str:
    # the programme after the line (for an expulsion or graduation, the one left)
    return "coalesce(m.faculty_code_after, m.faculty_code_before)"


def flows(start: dt.date, end: dt.date, scope: Scope, lang: str) -> pd.DataFrame:
    """Movements that set a student's status (fct_contingent_movements.sets_status), per month of
    effect from `start` to `end` (inclusive): one row per month, movement and, for movements that end
    enrolment (the status after is not enrolled), reason. `leaves_headcount` is true when the status
    after the movement does not count in the headcount (rules B10)."""
    suffix = _suffix(lang)
    where, params = scope.faculty_filter(movement_faculty())
    found = frame(
        f"select m.effective_month as month, m.movement, m.movement_label_{suffix} as movement_label, "
        "case when not m.is_enrolled_after then m.reason end as reason, "
        f"case when not m.is_enrolled_after then m.reason_label_{suffix} end as reason_label, "
        "not m.counts_in_headcount_after as leaves_headcount, count(*) as n_movements "
        "from main.fct_contingent_movements m "
        "where m.sets_status and not m.is_before_entry and m.effective_date >= ? and m.effective_date <= ? "
        f"and {where} group by all "
        "order by month, leaves_headcount, min(m.status_after_sort_order), movement_label, reason_label",
        [start, end, *params])
    return scope.suppress(found, "n_movements", margins=[["month"], []])  # a viewer's small cells (rules B30)


def transitions(start: dt.date, end: dt.date, scope: Scope, lang: str) -> pd.DataFrame:
    """Status before → status after of the order lines effective from `start` to `end` that change the
    status (a first entry has no status before), with the statuses' labels in `lang`."""
    suffix = _suffix(lang)
    where, params = scope.faculty_filter(movement_faculty())
    found = frame(
        f"select m.status_before, m.status_before_label_{suffix} as before_label, "
        f"m.status_after, m.status_after_label_{suffix} as after_label, count(*) as n_movements "
        "from main.fct_contingent_movements m "
        "where not m.is_before_entry and m.status_before is distinct from m.status_after "
        f"and m.effective_date >= ? and m.effective_date <= ? and {where} "
        "group by all order by min(m.status_before_sort_order) nulls first, min(m.status_after_sort_order)",
        [start, end, *params])
    return scope.suppress(found, "n_movements")  # a viewer's small cells (rules B30)


def retention(program_code: str | None, scope: Scope) -> pd.DataFrame:
    """Per intake year and years after intake: the cohort size and how many are still enrolled
    (fct_cohort_retention.is_enrolled), have graduated (is_graduated: a status that completes the programme,
    seed contingent_statuses.is_completion) and have left without graduating (is_dropout) on that census date
    (rules B10, B12), with the dropout rate = left without graduating / cohort; one programme or all in
    scope. A graduate is never counted as a loss."""
    where, params = scope.faculty_filter("r.faculty_code")
    chosen = "r.program_code = ?" if program_code else "true"
    chosen_params = [program_code] if program_code else []
    found = frame(
        "with rows_ as (select r.* from main.fct_cohort_retention r "
        f"where {where} and {chosen}), "
        "sizes as (select intake_year, sum(cohort_size) as cohort_size from "
        "(select distinct intake_year, program_code, cohort_size from rows_) group by intake_year) "
        "select r.intake_year, r.years_after, min(r.observed_on) as observed_on, s.cohort_size, "
        "coalesce(sum(r.n_students) filter (where r.is_enrolled), 0) as n_retained, "
        "coalesce(sum(r.n_students) filter (where r.is_graduated), 0) as n_graduated, "
        "coalesce(sum(r.n_students) filter (where r.is_dropout), 0) as n_dropout "
        "from rows_ r join sizes s on s.intake_year = r.intake_year "
        "group by r.intake_year, r.years_after, s.cohort_size order by r.intake_year, r.years_after",
        [*params, *chosen_params])
    found["dropout_rate"] = (found["n_dropout"] / found["cohort_size"]).astype(float)
    if scope.min_cell <= 0 or found.empty:
        return found
    # a viewer (rules B30): a row whose cohort or any outcome count is small is hidden whole; each row
    # stands alone (its counts add up within it), so no secondary suppression across rows
    counted = ["cohort_size", "n_retained", "n_graduated", "n_dropout"]
    counts = found[counted]
    smallest = counts.where(counts > 0).min(axis=1).fillna(0)
    hidden = scope.suppress(found.assign(smallest=smallest), "smallest", [*counted, "dropout_rate"], margins=[])
    return hidden.drop(columns="smallest")


def funding_shares(scope: Scope, lang: str) -> pd.DataFrame:
    """The headcount by funding on each month end (fct_contingent_monthly) and its share of the month."""
    suffix = _suffix(lang)
    where, params = scope.faculty_filter("m.faculty_code")
    found = frame(
        f"select m.snapshot_date, m.funding, m.funding_label_{suffix} as label, m.funding_sort_order as sort_key, "
        "sum(m.headcount) as headcount "
        f"from main.fct_contingent_monthly m where m.is_month_end and {where} group by all "
        "order by m.snapshot_date, sort_key", params)
    if not found.empty:
        totals = found.groupby("snapshot_date")["headcount"].transform("sum")
        found["share"] = (found["headcount"] / totals).where(totals > 0)
    return scope.suppress(found, "headcount", ["share"], margins=[["snapshot_date"]])  # a viewer's (rules B30)


def mismatches(scope: Scope, lang: str) -> pd.DataFrame:
    """rpt_contingent_mismatches for the faculties in scope: status and funding values labelled."""
    suffix = _suffix(lang)
    where, params = scope.faculty_filter("r.faculty_code")
    students, student_params = scope.student_filter("r.student_id")
    listed, listed_params = scope.individuals_filter()  # single students: never to a viewer (rules B30)
    return frame(
        f"select r.student_id, {scope.personal('r.full_name', 'full_name')}, "
        f"coalesce(fac.name_{suffix}, r.faculty_code) as faculty, r.program_code, r.attribute, "
        f"r.expected_label_{suffix} as expected_value, r.actual_label_{suffix} as actual_value, "
        "r.last_order_no, r.last_effective_date "
        "from main.rpt_contingent_mismatches r "
        "left join main.dim_faculties fac on fac.faculty_code = r.faculty_code "
        f"where {where} and {students} and {listed} order by r.student_id, r.attribute",
        [*params, *student_params, *listed_params])


def bench_calls(scope: Scope) -> list[tuple[str, Callable[[], object]]]:
    """The Contingent page's typical interactions, for bench.latency."""
    found = bounds(scope)
    last = found["last_month_end"] or dt.date.today()
    year_ago = last.replace(day=1) - dt.timedelta(days=335)
    some_day = last - dt.timedelta(days=200)  # an arbitrary day, not a snapshot date
    one = faculties(scope, "kk")
    narrowed = Scope(faculties=(str(one["faculty_code"].iloc[0]),)) if not one.empty else scope
    return [
        ("bounds", lambda: bounds(scope)),
        ("headcount_by_faculty", lambda: headcount_on(last, "faculty", scope, "kk")),
        ("headcount_any_day_citizenship", lambda: headcount_on(some_day, "citizenship", scope, "ru")),
        ("headcount_one_faculty_by_course", lambda: headcount_on(some_day, "course", narrowed, "en")),
        ("census_series", lambda: census_series("funding", scope, "kk")),
        ("first_complete_census", first_complete_census),
        ("flows_year", lambda: flows(year_ago, last, scope, "kk")),
        ("transitions_year", lambda: transitions(year_ago, last, scope, "kk")),
        ("retention_all", lambda: retention(None, scope)),
        ("funding_shares", lambda: funding_shares(scope, "kk")),
        ("mismatches", lambda: mismatches(scope, "kk")),
    ]


# --- a viewer's page: only the published table rpt_viewer_contingent (rules B30, issue 21) -----------------
VIEWER_TABLE = "main.rpt_viewer_contingent"


def viewer_dates() -> list[dt.date]:
    """The census dates a viewer may choose (latest first): the published table's, nothing else."""
    found = frame(f"select distinct snapshot_date from {VIEWER_TABLE} order by snapshot_date desc")
    return [pd.Timestamp(d).date() for d in found["snapshot_date"]]


def viewer_dimensions() -> list[str]:
    """The dimensions a viewer may choose, as published (var viewer_contingent_dimensions)."""
    found = frame(f"select distinct dimension from {VIEWER_TABLE}")
    return [d for d in DIMENSIONS if d in set(found["dimension"])]


def viewer_headcount(day: dt.date, dimension: str, lang: str) -> pd.DataFrame:
    """The published faculty × value table of one census date and dimension with its margins, as it is:
    faculty and label (null: every faculty / every value), headcount (null: suppressed), is_hidden."""
    suffix = _suffix(lang)
    found = frame(
        f"select v.faculty_code, coalesce(f.name_{suffix}, v.faculty_code) as faculty, v.value_code, "
        f"coalesce(v.value_label_{suffix}, v.value_code) as label, v.headcount, v.is_hidden "
        f"from {VIEWER_TABLE} v left join main.dim_faculties f on f.faculty_code = v.faculty_code "
        "where v.snapshot_date = ? and v.dimension = ? "
        f"order by v.faculty_code is null, faculty collate {'kk' if lang == 'kk' else 'ru'}, "
        "v.value_code is null, v.value_sort_order, v.value_code", [day, dimension])
    if dimension == "citizenship":
        found["label"] = [None if pd.isna(c) else t(f"con_citizenship_{c}", lang) for c in found["value_code"]]
    return found
