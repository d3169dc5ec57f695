"""Attestation page (deans): the session results of a faculty, read from the pre-aggregated
mart fct_attestation_breakdown (rules B9: first attempts; the rates are sums of counts, never
means of rates), the debts standing today (rpt_academic_debtors) and the final attestation
(rpt_final_attestation_results). Every function takes the user's Scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from dashboards.data import frame
from registrar.access.privacy import hide_small
from registrar.access.scope import Scope

MART = "main.fct_attestation_breakdown"
LANG_SUFFIX = {"kk": "kk", "ru": "ru", "en": "en"}  # name_<lang> / label_<lang> columns, never user text
MEASURES = {"success": "n_passed", "quality": "n_quality"}  # the numerator of each rate over n_graded


@dataclass(frozen=True)
class Filters:
    """The session and what the dean narrowed it to (None: every value)."""

    academic_year: str
    term: str
    faculty: str | None = None
    program: str | None = None
    course: int | None = None
    group: str | None = None
    discipline: str | None = None
    teacher: str | None = None
    study_form: str | None = None
    study_language: str | None = None


# filter field → column of the mart (written here, never taken from the user)
COLUMNS = {"faculty": "faculty_code", "program": "program_code", "course": "course", "group": "group_code",
           "discipline": "discipline_code", "teacher": "teacher_id", "study_form": "study_form",
           "study_language": "study_language"}


def _suffix(language: str) -> str:
    return LANG_SUFFIX.get(language, "en")


def where(scope: Scope, filters: Filters, alias: str = "b", *, session: bool = True,
          skip: tuple[str, ...] = ()) -> tuple[str, list[Any]]:
    """The predicate of the scope and the filters on the mart (alias `alias`), with its bound values."""
    scope_sql, params = scope.faculty_filter(f"{alias}.faculty_code")
    parts = [scope_sql]
    if session:
        parts.append(f"{alias}.academic_year = ? and {alias}.term = ?")
        params = [*params, filters.academic_year, filters.term]
    for field in fields(filters):
        name = field.name
        value = getattr(filters, name)
        if name in COLUMNS and name not in skip and value is not None:
            parts.append(f"{alias}.{COLUMNS[name]} = ?")
            params.append(value)
    return " and ".join(parts), params


def available() -> bool:
    """Whether the published warehouse has the page's mart (one published before it existed has not)."""
    return bool(frame("select count(*) as n from information_schema.tables "
                      "where table_schema = 'main' and table_name = ?", [MART.split(".")[1]])["n"].iloc[0])


def sessions(scope: Scope, language: str) -> pd.DataFrame:
    """The sessions with results: academic_year, term, term_seq, label. Years latest first, a year with a
    main-term session before one with only a summer term; in a year the main terms latest first (2, 1),
    then the summer term: the first row, the page's default, is the latest main session (issue 23)."""
    scope_sql, params = scope.faculty_filter("b.faculty_code")
    return _sessions_of(MART, scope_sql, params, language)


def _sessions_of(table: str, predicate: str, params: list[Any], language: str) -> pd.DataFrame:
    """The sessions of `table` (rows meeting `predicate`) in the order of `sessions`: the one rule of the
    page's default session and of the order its terms are listed in, for every role (issue 23)."""
    return frame(
        f"select b.academic_year, b.term, b.term_seq, t.label_{_suffix(language)} as term_label "
        f"from (select distinct academic_year, term, term_seq from {table} b where {predicate}) b "
        "left join main.dim_terms t on t.academic_year = b.academic_year and t.term = b.term "
        "order by bool_or(coalesce(t.is_regular_semester, true)) over (partition by b.academic_year) desc, "
        "b.academic_year desc, coalesce(t.is_regular_semester, true) desc, b.term_seq desc", params)


def faculties(scope: Scope, language: str) -> pd.DataFrame:
    """The faculties this user may see: code, name."""
    scope_sql, params = scope.faculty_filter("f.faculty_code")
    return frame(f"select f.faculty_code as code, f.name_{_suffix(language)} as name from main.dim_faculties f "
                 f"where {scope_sql} order by f.name_{_suffix(language)} collate {_collation(language)}", params)


def _collation(language: str) -> str:
    return "kk" if language == "kk" else "ru"


def _discipline_label(sx: str) -> str:
    """A discipline's name with its code: several disciplines of a faculty may share a name."""
    return f"coalesce(d.name_{sx} || ' (' || b.discipline_code || ')', b.discipline_code)"


# dimension → (code column, label expression, join, order): each written here, none from the user
def _dimension(dim: str, language: str) -> tuple[str, str, str, str]:
    sx, coll = _suffix(language), _collation(language)
    return {
        "program": ("b.program_code", f"b.program_code || coalesce(' — ' || p.name_{sx}, '')",
                    "left join main.dim_programs p on p.program_code = b.program_code", f"label collate {coll}"),
        "course": ("b.course", "cast(b.course as varchar)", "", "code"),
        "group": ("b.group_code", "b.group_code", "", "label collate ru"),
        "discipline": ("b.discipline_code", _discipline_label(sx),
                       "left join main.dim_disciplines d on d.discipline_code = b.discipline_code",
                       f"label collate {coll}"),
        "teacher": ("b.teacher_id", "coalesce(te.full_name, b.teacher_id)",
                    "left join main.dim_teachers te on te.teacher_id = b.teacher_id", f"label collate {coll}"),
        "study_form": ("b.study_form", f"b.study_form_label_{sx}", "", "min(b.study_form_sort_order)"),
        "study_language": ("b.study_language", f"b.study_language_label_{sx}", "",
                           "min(b.study_language_sort_order)"),
    }[dim]


DIMENSIONS = ("program", "course", "group", "discipline", "teacher", "study_form", "study_language")


def options(scope: Scope, filters: Filters, dim: str, language: str) -> pd.DataFrame:
    """The values of one filter within the session and every filter chosen before it (the page asks in
    the order of DIMENSIONS, so the group list follows the course): code, label."""
    code, label, join, order = _dimension(dim, language)
    pred, params = where(scope, filters, skip=(dim,))
    return frame(f"select {code} as code, {label} as label from {MART} b {join} "
                 f"where {pred} and {code} is not null group by all order by {order}", params)


def _totals_sql(failing: list[tuple[str, str]], with_debtors: bool = True) -> str:
    """The session totals; one count per failing letter of the scale in use (`failing`: letter, column)."""
    debtors = ", len(list_distinct(flatten(list(b.debtor_student_ids)))) as n_debtors" if with_debtors else ""
    per_letter = "".join(f", sum(b.{col}) as {col}" for _, col in failing)
    return ("sum(b.n_graded) as n_graded, sum(b.n_passed) as n_passed, sum(b.n_quality) as n_quality, "
            "sum(b.n_passed) / sum(b.n_graded) as success_rate, sum(b.n_quality) / sum(b.n_graded) as quality_rate, "
            "sum(b.total_final_score) / nullif(sum(b.n_scored), 0) as mean_final_score" + per_letter + debtors)


def headline(scope: Scope, filters: Filters) -> dict[str, dict[str, Any] | None]:
    """The session's totals (`now`) and those of the same term a year earlier (`before`, None without
    results): graded, passed, quality, rates, mean final score, the count of each failing letter (its
    column of failing_letters()), debtors."""
    failing = failing_letters()
    pred, params = where(scope, filters, session=False)
    found = frame(
        "with chosen as (select academic_year_start as y from main.dim_terms where academic_year = ? and term = ?) "
        f"select b.academic_year, b.academic_year_start = chosen.y as is_now, {_totals_sql(failing)} "
        f"from {MART} b, chosen where b.term = ? and b.academic_year_start in (chosen.y, chosen.y - 1) and {pred} "
        "group by all", [filters.academic_year, filters.term, filters.term, *params])
    out: dict[str, dict[str, Any] | None] = {"now": None, "before": None}
    for row in found.to_dict("records"):
        out["now" if row.pop("is_now") else "before"] = hide_small(
            row, scope.min_cell, base="n_graded",
            counts=("n_passed", "n_quality", *(col for _, col in failing), "n_debtors"),
            derived=("success_rate", "quality_rate", "mean_final_score"))  # a viewer's small numbers (rules B30)
    return out


_COUNT_COLUMN = re.compile(r"^n_[a-z0-9_]+$")  # a count column of the mart, as rpt_grade_letters names it


def _grade_letters() -> list[tuple[str, str, bool]]:
    """(letter, count column of the mart, passing) of the scale in use and the pass letter, best first
    (rpt_grade_letters): whatever letters the scale has, none written here."""
    found = frame("select letter_grade, count_column, is_passing from main.rpt_grade_letters order by sort_order")
    rows = list(found.itertuples(index=False, name=None))
    assert all(_COUNT_COLUMN.match(col) for _, col, _ in rows), "rpt_grade_letters names an unexpected column"
    return [(str(letter), str(col), bool(passing)) for letter, col, passing in rows]


def letter_columns() -> list[tuple[str, str]]:
    """(letter, count column) of the scale in use, best first, then the pass letter."""
    return [(letter, col) for letter, col, _ in _grade_letters()]


def failing_letters() -> list[tuple[str, str]]:
    """(letter, count column) of the failing letters of the scale in use (FX and F on the 2018 scale)."""
    return [(letter, col) for letter, col, passing in _grade_letters() if not passing]


def letters(scope: Scope, filters: Filters) -> pd.DataFrame:
    """How many first attempts got each letter in the session: letter, n."""
    pairs = letter_columns()
    pred, params = where(scope, filters)
    sums = ", ".join(f"sum(b.{col}) as c{i}" for i, (_, col) in enumerate(pairs))
    row = frame(f"select {sums} from {MART} b where {pred}", params).iloc[0]
    found = pd.DataFrame({"letter": [x for x, _ in pairs],
                          "n": [0 if pd.isna(row[f"c{i}"]) else int(row[f"c{i}"]) for i in range(len(pairs))]})
    return scope.suppress(found, "n")  # a viewer's small cells, and a second one with each (rules B30)


def heatmap(scope: Scope, filters: Filters, language: str, limit: int = 25) -> pd.DataFrame:
    """Discipline × group cells (graded, passed, quality, both rates, the discipline's name) of the
    `limit` disciplines and `limit` groups with the most results; results without a group form one."""
    pred, params = where(scope, filters)
    found = frame(
        f"with cells as (select b.discipline_code, b.group_code, sum(b.n_graded) as n_graded, "
        "sum(b.n_passed) as n_passed, sum(b.n_quality) as n_quality "
        f"from {MART} b where {pred} group by all), "
        "top_d as (select discipline_code from cells group by 1 order by sum(n_graded) desc, 1 limit ?), "
        "top_g as (select group_code from cells group by 1 order by sum(n_graded) desc, 1 limit ?) "
        f"select b.discipline_code, {_discipline_label(_suffix(language))} as discipline_name, b.group_code, "
        "b.n_graded, b.n_passed, b.n_quality, b.n_passed / b.n_graded as success_rate, "
        "b.n_quality / b.n_graded as quality_rate from cells b "
        "semi join top_d on top_d.discipline_code = b.discipline_code "
        "semi join top_g on top_g.group_code is not distinct from b.group_code "
        f"left join main.dim_disciplines d on d.discipline_code = b.discipline_code "
        f"order by discipline_name collate {_collation(language)}, b.group_code", [*params, limit, limit])
    # a viewer's small cells (rules B30): the discipline's and the group's totals are known margins
    return scope.suppress(found, "n_graded", ["n_passed", "n_quality", "success_rate", "quality_rate"],
                          margins=[["discipline_code"], ["group_code"]])


def ranking(scope: Scope, filters: Filters, by: str, measure: str, language: str) -> pd.DataFrame:
    """Every discipline or teacher of the session with its rates and base, weakest first by `measure`
    (success or quality); the caller leaves out the rates of too few students (rules B29)."""
    code, label, join, _ = _dimension(by, language)
    numerator = MEASURES[measure]
    pred, params = where(scope, filters)
    found = frame(
        f"select {code} as code, {label} as label, sum(b.n_graded) as n_graded, "
        "sum(b.n_passed) / sum(b.n_graded) as success_rate, sum(b.n_quality) / sum(b.n_graded) as quality_rate, "
        f"sum(b.{numerator}) / sum(b.n_graded) as rate "
        f"from {MART} b {join} where {pred} and {code} is not null group by all "
        f"order by rate, n_graded desc, label collate {_collation(language)}", params)
    return scope.suppress(found, "n_graded", ["success_rate", "quality_rate", "rate"])  # a viewer's (rules B30)


def trend(scope: Scope, filters: Filters, language: str, n_terms: int = 9) -> pd.DataFrame:
    """Success and quality of the last `n_terms` sessions up to the chosen one, same filters."""
    failing = failing_letters()
    pred, params = where(scope, filters, session=False)
    found = frame(
        "with chosen as (select term_seq as s from main.dim_terms where academic_year = ? and term = ?), "
        f"per_term as (select b.academic_year, b.term, b.term_seq, {_totals_sql(failing, False)} "
        f"from {MART} b, chosen "
        f"where b.term_seq <= chosen.s and {pred} group by all order by b.term_seq desc limit ?) "
        f"select p.*, t.label_{_suffix(language)} as term_label from per_term p "
        "left join main.dim_terms t on t.academic_year = p.academic_year and t.term = p.term order by p.term_seq",
        [filters.academic_year, filters.term, *params, n_terms])
    return scope.suppress(found, "n_graded", ["n_passed", "n_quality", "success_rate", "quality_rate",
                                              "mean_final_score", *(col for _, col in failing)],
                          margins=[])  # a viewer's small cells (rules B30)


def debtors(scope: Scope, filters: Filters, language: str) -> pd.DataFrame:
    """The debts standing today (rpt_academic_debtors, rules B19) of the session's debtors under the
    filters, names sorted in the language's collation."""
    owing, params = _owing_today(scope, filters)
    listed, listed_params = scope.individuals_filter()  # single students: never to a viewer (rules B30)
    sx = _suffix(language)
    return frame(
        f"select r.student_id, {scope.personal('r.full_name', 'full_name')}, r.group_code, "
        f"r.discipline_name_{sx} as discipline_name, r.credits, r.letter_grade, r.required_action, "
        f"r.since_academic_year, r.since_term, (select tl.label_{sx} from main.dim_terms tl "
        "where tl.academic_year = r.since_academic_year and tl.term = r.since_term) as since_term_label, "
        f"r.n_failed_attempts {owing} and {listed} "
        f"order by {scope.by_name('r.full_name', _collation(language))}r.student_id, r.since_term_seq, "
        "r.discipline_code",
        [*params, *listed_params])


def _owing_today(scope: Scope, filters: Filters) -> tuple[str, list[Any]]:
    """`from … where …` of the debts standing today (rpt_academic_debtors, rules B19) of the session's
    debtors under the filters and the scope: the debtors list's rows, and what owing_today counts."""
    pred, params = where(scope, filters)
    student_sql, student_params = scope.student_filter("r.student_id")
    scope_sql, scope_params = scope.faculty_filter("r.faculty_code")
    discipline_sql = "r.discipline_code = ?" if filters.discipline else "true"
    discipline_params = [filters.discipline] if filters.discipline else []
    return (f"from main.rpt_academic_debtors r inner join (select distinct unnest(b.debtor_student_ids) as student_id "
            f"from {MART} b where {pred}) ids on ids.student_id = r.student_id "
            f"where {scope_sql} and {student_sql} and {discipline_sql}",
            [*params, *scope_params, *student_params, *discipline_params])


def owing_today(scope: Scope, filters: Filters) -> int:
    """How many of the session's debtors under the filters still owe a result on the data's last date:
    the students the debtors list names (a count, so also where the list is withheld from the role)."""
    owing, params = _owing_today(scope, filters)
    return int(frame(f"select count(distinct r.student_id) as n {owing}", params)["n"].iloc[0])


def _final_where(scope: Scope, filters: Filters) -> tuple[str, list[Any]]:
    scope_sql, params = scope.faculty_filter("f.faculty_code")
    student_sql, student_params = scope.student_filter("f.student_id")
    parts = [scope_sql, student_sql, "f.academic_year = ?"]
    params = [*params, *student_params, filters.academic_year]
    for name, column in COLUMNS.items():  # the tab honours every filter the page shows (issue 23)
        if getattr(filters, name) is not None:
            parts.append(f"f.{column} = ?")
            params.append(getattr(filters, name))
    return " and ".join(parts), params


def final_by_programme(scope: Scope, filters: Filters, language: str) -> pd.DataFrame:
    """State exams and thesis defences of the academic year by programme (rules B26)."""
    pred, params = _final_where(scope, filters)
    found = frame(
        f"select f.program_code, f.program_code || coalesce(' — ' || p.name_{_suffix(language)}, '') as program_name, "
        "count(*) as n_graded, count(*) filter (where f.is_passed) as n_passed, "
        "count(*) filter (where f.counts_as_quality) as n_quality, "
        "count(*) filter (where f.is_passed) / count(*) as success_rate, "
        "count(*) filter (where f.counts_as_quality) / count(*) as quality_rate, "
        "avg(f.final_score) as mean_final_score, "
        "count(distinct f.student_id) filter (where f.is_honours_eligible) as n_honours "
        "from main.rpt_final_attestation_results f "
        "left join main.dim_programs p on p.program_code = f.program_code "
        f"where {pred} group by all order by program_name collate {_collation(language)}", params)
    return scope.suppress(found, "n_graded", ["n_passed", "n_quality", "success_rate", "quality_rate",
                                              "mean_final_score", "n_honours"])  # a viewer's (rules B30)


def final_letters(scope: Scope, filters: Filters) -> pd.DataFrame:
    """Letters of the final attestation of the academic year: letter, n (scale order)."""
    pred, params = _final_where(scope, filters)
    found = frame(
        "select f.letter_grade as letter, count(*) as n from main.rpt_final_attestation_results f "
        f"where {pred} group by all order by min(coalesce(f.letter_sort_order, 999)), 1", params)
    return scope.suppress(found, "n")  # a viewer's small cells (rules B30)


def final_results(scope: Scope, filters: Filters, language: str) -> pd.DataFrame:
    """Every final-attestation result of the academic year, names sorted in the language's collation."""
    pred, params = _final_where(scope, filters)
    listed, listed_params = scope.individuals_filter()  # single students: never to a viewer (rules B30)
    sx = _suffix(language)
    return frame(
        f"select f.student_id, {scope.personal('f.full_name', 'full_name')}, f.program_code, "
        f"coalesce(d.name_{sx}, f.discipline_code) as discipline_name, f.term, f.final_score, f.letter_grade, "
        "f.is_passed, f.is_honours_eligible from main.rpt_final_attestation_results f "
        "left join main.dim_disciplines d on d.discipline_code = f.discipline_code "
        f"where {pred} and {listed} order by {scope.by_name('f.full_name', _collation(language))}f.student_id, "
        "f.term_seq, "
        "f.discipline_code", [*params, *listed_params])


def default_filters(scope: Scope) -> Filters | None:
    """The latest session and (when the user sees one faculty) that faculty."""
    found = sessions(scope, "en")
    if found.empty:
        return None
    latest = found.iloc[0]
    faculty = scope.faculties[0] if scope.faculties and len(scope.faculties) == 1 else None
    return Filters(str(latest["academic_year"]), str(latest["term"]), faculty=faculty)


def bench_calls(scope: Scope) -> list[tuple[str, Callable[[], object]]]:
    """The Attestation page's typical interactions, for bench.latency: the page on the latest
    session of the whole university, then one faculty, then one of its groups (none on a warehouse
    published before the mart existed)."""
    if not available():
        return [("available", available)]
    first = default_filters(scope) or Filters("", "")
    faculty = faculties(scope, "kk")["code"].iloc[0] if not faculties(scope, "kk").empty else None
    by_faculty = replace(first, faculty=faculty)
    groups = options(scope, by_faculty, "group", "kk") if first.academic_year else pd.DataFrame({"code": []})
    by_group = replace(by_faculty, group=groups["code"].iloc[0] if not groups.empty else None)

    def page(f: Filters) -> Callable[[], object]:
        def run() -> object:
            for dim in DIMENSIONS:
                options(scope, f, dim, "kk")
            return (headline(scope, f), letters(scope, f), heatmap(scope, f, "kk"),
                    ranking(scope, f, "discipline", "success", "kk"), ranking(scope, f, "teacher", "success", "kk"),
                    trend(scope, f, "kk"), debtors(scope, f, "kk"))
        return run

    return [("sessions", lambda: sessions(scope, "kk")), ("university", page(first)),
            ("faculty", page(by_faculty)), ("group", page(by_group)),
            ("final_attestation", lambda: (final_by_programme(scope, by_faculty, "kk"),
                                           final_letters(scope, by_faculty), final_results(scope, by_faculty, "kk")))]


# --- a viewer's page: only the published table rpt_viewer_attestation (rules B30, issue 21) ---------------
VIEWER_TABLE = "main.rpt_viewer_attestation"
VIEWER_DIMENSIONS = ("course", "study_form", "study_language")  # the order offered; the table says which exist


def viewer_sessions(language: str) -> pd.DataFrame:
    """The sessions a viewer may choose: the published table's, nothing else, in the order of `sessions`
    (the first, the page's default, is the latest main session; in a year 2, 1, then summer)."""
    return _sessions_of(VIEWER_TABLE, "true", [], language)


def viewer_dimensions() -> list[str]:
    """The dimensions a viewer may choose, as published (var viewer_attestation_dimensions)."""
    found = set(frame(f"select distinct dimension from {VIEWER_TABLE}")["dimension"])
    return [d for d in VIEWER_DIMENSIONS if d in found]


def viewer_results(academic_year: str, term: str, dimension: str, language: str) -> pd.DataFrame:
    """The published faculty × value table of one session and dimension with its margins, as it is
    (null faculty / value: every faculty / value; null counts and rates: suppressed)."""
    sx = _suffix(language)
    labels = {"study_form": "study_form", "study_language": "study_language"}
    label = "v.value_code"
    join = ""
    if dimension in labels:  # the code lists' labels, read from the breakdown mart beside the codes
        label = "coalesce(l.label, v.value_code)"
        join = (f"left join (select distinct {labels[dimension]} as code, {labels[dimension]}_label_{sx} as label "
                f"from {MART}) l on l.code = v.value_code")
    return frame(
        f"select v.faculty_code, coalesce(f.name_{sx}, v.faculty_code) as faculty, v.value_code, {label} as label, "
        "v.n_graded, v.success_rate, v.quality_rate, v.graded_hidden, v.passed_hidden, v.quality_hidden "
        f"from {VIEWER_TABLE} v left join main.dim_faculties f on f.faculty_code = v.faculty_code {join} "
        "where v.academic_year = ? and v.term = ? and v.dimension = ? "
        f"order by v.faculty_code is null, faculty collate {_collation(language)}, v.value_code is null, "
        "v.value_code", [academic_year, term, dimension])
