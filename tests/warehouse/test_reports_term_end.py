"""The term-end lists of issue 18 (scholarship, vacant grants, progression, honours, debts, draft
orders) on real published warehouses: each report's rows against an independent query on the marts
and the seeds with the vars' thresholds (not the rpt_ model the report reads), a refusal each, and
`registrar report --list`.

The contents are checked on the shared demo university (published_demo: several years, summer
terms, graduates), so this module runs in the dashboards' xdist group and builds nothing of its own;
the refusals and the CLI on the mini university (published_mini).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from policy import dbt_vars
from registrar.common.i18n import t
from registrar.common.paths import Home
from registrar.reports import catalog, params
from registrar.reports.base import ReportDocument, ReportError, ReportParams
from registrar.reports.library import (
    academic_debtors,
    honours_candidates,
    progression,
    scholarship_list,
    term_end_orders,
    vacant_grant_ranking,
)

pytestmark = pytest.mark.xdist_group("dashboards")

YEAR = "2024-2025"
NAMES = ("scholarship_list", "vacant_grant_ranking", "progression", "honours_candidates", "academic_debtors",
         "term_end_orders")
SID, NAME = t("lists_student_id", "en"), t("lists_full_name", "en")


@pytest.fixture(scope="module")
def con(published_demo: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(published_demo.warehouse), read_only=True)
    yield connection
    connection.close()


def ids(doc: ReportDocument, index: int) -> set[str]:
    frame = doc.sections[index].frame
    assert frame[SID].is_unique
    return set(frame[SID])


def col(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame[t(key, "en")]


def query(con: duckdb.DuckDBPyConnection, sql: str, args: list[object] | None = None) -> list[tuple]:
    return con.execute(sql, args or []).fetchall()


# --- scholarship (B11) ----------------------------------------------------------------------------

def scholarship_by_hand(con: duckdb.DuckDBPyConnection, year: str, term: str) -> dict[str, tuple]:
    """student → (state grant, studying, graded, below good, all excellent) from the first attempts."""
    return {r[0]: r[1:] for r in query(con, """
        with firsts as (
            select g.student_id, g.term_seq, g.letter_grade, coalesce(q.counts_as_quality, false) as good,
                   coalesce(q.is_excellent, false) as excellent
            from main.fct_grades as g left join reference.traditional_grades as q using (traditional_grade)
            where g.academic_year = ? and g.term = ? and g.source = 'session' and g.is_first_in_term)
        select f.student_id, coalesce(fu.is_state_grant, false), coalesce(cs.is_studying, false),
               count(*) filter (where f.letter_grade != ?),
               count(*) filter (where f.letter_grade != ? and not f.good),
               count(*) filter (where f.letter_grade != ? and not f.excellent)
        from firsts as f
        join main.fct_student_term_standing as s on f.student_id = s.student_id and f.term_seq = s.term_seq
        left join reference.fundings as fu on s.funding = fu.funding
        left join reference.contingent_statuses as cs on s.status = cs.status
        group by all""", [year, term] + [dbt_vars()["letter_pass"]] * 3)}


def test_scholarship_list_against_the_first_attempts(con: duckdb.DuckDBPyConnection) -> None:
    doc = scholarship_list.build(con, ReportParams(lang="en", year=YEAR, term="1"))
    by_hand = scholarship_by_hand(con, YEAR, "1")
    eligible = {s for s, (grant, studying, graded, below, _) in by_hand.items()
                if grant and studying and graded and not below}
    increased = {s for s in eligible if not by_hand[s][4]}
    assert increased and eligible - increased
    assert ids(doc, 0) == eligible - increased
    assert ids(doc, 1) == increased
    assert ids(doc, 2) == {s for s, v in by_hand.items() if v[0]} - eligible
    reasons = dict(zip(doc.sections[2].frame[SID], col(doc.sections[2].frame, "lists_reason"), strict=True))
    below_good = [s for s, v in by_hand.items() if v[0] and v[1] and v[2] and v[3]]
    assert below_good and {reasons[s] for s in below_good} == {"A first-attempt grade below good"}


def test_scholarship_list_of_one_faculty_and_in_kazakh(con: duckdb.DuckDBPyConnection) -> None:
    everyone = scholarship_list.build(con, ReportParams(lang="en", year=YEAR, term="2"))
    faculty = con.execute("select faculty_code from main.dim_faculties order by 1").fetchone()[0]
    doc = scholarship_list.build(con, ReportParams(lang="kk", year=YEAR, term="2", faculty=faculty))
    own = {r[0] for r in query(con, "select s.student_id from main.fct_student_term_standing s join main.dim_programs"
                                    " p using (program_code) where s.academic_year = ? and s.term = '2' and"
                                    " p.faculty_code = ?", [YEAR, faculty])}
    for index in range(3):
        kept = set(doc.sections[index].frame[t("lists_student_id", "kk")])
        assert kept and kept == ids(everyone, index) & own
    assert doc.sections[0].heading == t("lists_sch_eligible", "kk")


def test_scholarship_list_refuses_the_summer_term(con: duckdb.DuckDBPyConnection) -> None:
    report = catalog.get("scholarship_list")
    parsed = params.parse(report, con, year=YEAR, term="summer")  # the summer term has results
    with pytest.raises(ReportError, match="only the sessions of the regular terms"):
        report.build(con, parsed)


# --- vacant grants (B16) ---------------------------------------------------------------------------

def test_vacant_grant_ranking_within_programme_group_and_course(con: duckdb.DuckDBPyConnection) -> None:
    doc = vacant_grant_ranking.build(con, ReportParams(lang="en", year=YEAR))
    assert [s.heading for s in doc.sections] == ["After the session of Term 1", "After the session of Term 2"]
    for term, sec in zip(("1", "2"), doc.sections, strict=True):
        rows = query(con, """
            select s.student_id, p.program_group, h.course, st.cumulative_gpa,
                   case when st.cumulative_n_gpa_results > 0
                             and st.cumulative_n_gpa_excellent = st.cumulative_n_gpa_results then 1
                        when st.cumulative_n_gpa_results > 0
                             and st.cumulative_n_gpa_good_or_better = st.cumulative_n_gpa_results then 2
                        else 3 end
            from main.fct_student_term_standing as s
            join reference.fundings as f on s.funding = f.funding
            join reference.contingent_statuses as c on s.status = c.status
            join main.fct_student_terms as st on s.student_id = st.student_id and s.term_seq = st.term_seq
            join main.dim_programs as p on s.program_code = p.program_code
            left join main.fct_student_status_history as h on s.student_id = h.student_id
                 and s.as_of_date >= h.valid_from and (h.valid_to is null or s.as_of_date < h.valid_to)
            where s.academic_year = ? and s.term = ? and not f.is_state_grant and c.is_studying""", [YEAR, term])
        assert len(rows) > 20
        frame = sec.frame
        assert set(frame[SID]) == {r[0] for r in rows}
        place = dict(zip(frame[SID], col(frame, "lists_rank"), strict=True))
        for sid, group, course, gpa, tier in rows:
            # the place is one more than the competitors of the same group and course ranked before
            better = sum(1 for _, g, c, other, other_tier in rows if (g, c) == (group, course) and (
                other > gpa or (other == gpa and other_tier < tier)))
            assert place[sid] == better + 1, sid
    assert (t("lists_vgr_ties", "en"), t("lists_vgr_ties_rule", "en")) in doc.parameters


# --- progression (B14) -----------------------------------------------------------------------------

def progression_by_hand(con: duckdb.DuckDBPyConnection, year: str) -> dict[str, tuple[int, str]]:
    """student → (course, outcome) from the year GPA, the var thresholds and the debts at the year's end."""
    variables = dbt_vars()
    thresholds, min_debts = variables["transfer_gpa_thresholds"], variables["expulsion_candidate_min_debts"]
    rows = query(con, """
        select y.student_id, y.course, y.year_gpa, t.n_debts, c.counts_in_headcount
        from main.fct_student_years as y
        join main.fct_student_terms as t on y.student_id = t.student_id and t.academic_year = y.academic_year
             and t.term_seq = (select max(term_seq) from main.fct_student_terms as x
                               where x.student_id = y.student_id and x.academic_year = y.academic_year)
        join main.fct_student_term_standing as s on s.student_id = t.student_id and s.term_seq = t.term_seq
        join reference.contingent_statuses as c on s.status = c.status
        where y.academic_year = ?""", [year])
    out = {}
    for sid, course, gpa, debts, counted in rows:
        if not counted:
            continue
        threshold = thresholds.get(str(course))
        below = threshold is not None and gpa is not None and float(gpa) < float(threshold)
        out[sid] = (course, "promoted" if not below else
                    "expulsion_candidate" if debts >= min_debts else "below_threshold")
    return out


def test_progression_per_course_against_the_var_thresholds(con: duckdb.DuckDBPyConnection) -> None:
    doc = progression.build(con, ReportParams(lang="en", year=YEAR))
    by_hand = progression_by_hand(con, YEAR)
    outcomes = ("promoted", "below_threshold", "expulsion_candidate")
    for index, outcome in enumerate(outcomes, start=1):
        assert ids(doc, index) == {s for s, (_, o) in by_hand.items() if o == outcome}, outcome
    assert ids(doc, 2) and ids(doc, 3)
    counts = doc.sections[0].frame.set_index(t("lists_course", "en"))
    for course in counts.index:
        assert [counts.loc[course, t(key, "en")] for key in ("lists_n_promoted", "lists_n_below", "lists_n_expulsion")
                ] == [sum(1 for c, o in by_hand.values() if c == course and o == outcome) for outcome in outcomes]
        assert float(counts.loc[course, t("lists_threshold", "en")]) == dbt_vars()["transfer_gpa_thresholds"][
            str(course)]
    shown = dict(doc.parameters)
    assert shown[t("lists_prog_thresholds", "en")].startswith("1: 1.33, 2: 1.67")


# --- honours (B15) ---------------------------------------------------------------------------------

def test_honours_graduates_meet_the_rule_or_miss_one(con: duckdb.DuckDBPyConnection) -> None:
    doc = honours_candidates.build(con, ReportParams(lang="en", year=YEAR))
    variables = dbt_vars()
    rows = query(con, """
        with graduating as (
            select y.student_id, y.academic_year_start from main.fct_student_years as y
            join main.dim_students as s using (student_id) join main.dim_programs as p using (program_code)
            where y.academic_year = $year and y.course >= p.duration_years
            union select student_id, academic_year_start from main.fct_grades
            where academic_year = $year and is_final_attestation),
        scale as (select * from reference.grade_scale where scale_version = $version)
        select g.student_id,
               count(*) filter (where sc.sort_order > (select sort_order from scale where letter_grade = $lowest)) > 0,
               count(*) > count(distinct r.discipline_code) or count(*) filter (where not r.is_passed) > 0,
               coalesce(arg_max(t.cumulative_gpa, r.term_seq) < $gpa, true),
               count(*) filter (where r.is_final_attestation and not r.is_superseded) = 0
               or count(*) filter (where r.is_final_attestation and not r.is_superseded
                                   and not list_contains($letters, r.letter_grade)) > 0
        from graduating as g
        join main.fct_grades as r on r.student_id = g.student_id and r.academic_year_start <= g.academic_year_start
        left join scale as sc on r.letter_grade = sc.letter_grade
        left join main.fct_student_terms as t on r.student_id = t.student_id and r.term_seq = t.term_seq
        group by g.student_id""", {"year": YEAR, "version": variables["grade_scale_version"],  # type: ignore[arg-type]
                                  "lowest": variables["honours_lowest_letter"], "gpa": variables["honours_min_gpa"],
                                  "letters": variables["honours_final_attestation_letters"]})
    missed = {sid: sum(flags) for sid, *flags in rows}
    assert ids(doc, 0) == {s for s, n in missed.items() if n == 0} != set()
    assert ids(doc, 1) == {s for s, n in missed.items() if n == 1} != set()
    gpa_rule = {sid for sid, low, rexam, gpa, final in rows if (low, rexam, gpa, final) == (False, False, True, False)}
    rules = dict(zip(doc.sections[1].frame[SID], col(doc.sections[1].frame, "lists_missed_rule"), strict=True))
    assert {rules[s] for s in gpa_rule} <= {"GPA below the minimum"}


# --- debts (B19) -----------------------------------------------------------------------------------

def test_academic_debtors_after_the_session_and_cleared_in_summer(con: duckdb.DuckDBPyConnection) -> None:
    doc = academic_debtors.build(con, ReportParams(lang="en", year=YEAR, term="1"))
    owed = query(con, """
        select g.student_id, g.discipline_code, g.letter_grade, d.exams_end_on,
               exists (select 1 from main.fct_grades as later join main.dim_terms as lt
                       on later.academic_year = lt.academic_year and later.term = lt.term
                       where later.student_id = g.student_id and later.discipline_code = g.discipline_code
                         and later.attempt_seq > g.attempt_seq and later.is_passed
                         and later.academic_year = g.academic_year
                         and not lt.is_regular_semester
                         and not exists (select 1 from main.fct_grades as between_
                                         where between_.student_id = g.student_id
                                           and between_.discipline_code = g.discipline_code and between_.is_passed
                                           and between_.attempt_seq > g.attempt_seq
                                           and between_.attempt_seq < later.attempt_seq))
        from main.fct_grades as g join main.dim_terms as d on g.academic_year = d.academic_year and g.term = d.term
        where g.academic_year = ? and g.term = '1' and g.is_last_in_term and not g.is_passed""", [YEAR])
    after, summer = doc.sections[0].frame, doc.sections[1].frame
    code = t("lists_discipline_code", "en")
    assert set(zip(after[SID], after[code], strict=True)) == {(s, d) for s, d, *_ in owed}
    cleared = {(s, d) for s, d, *_, in_summer in owed if in_summer}
    assert set(zip(summer[SID], summer[code], strict=True)) == cleared != set()
    deadlines = dict(zip(zip(after[SID], after[code], strict=True), col(after, "lists_retake_deadline"), strict=True))
    days = dbt_vars()["debt_exam_retake_days"]
    for sid, disc, letter, exams_end, _ in owed:
        if letter == dbt_vars()["letter_exam_below_min"]:
            assert (deadlines[(sid, disc)] - exams_end).days == days


# --- draft orders (B31) ----------------------------------------------------------------------------

def test_term_end_orders_one_section_per_kind(con: duckdb.DuckDBPyConnection) -> None:
    after_term_1 = term_end_orders.build(con, ReportParams(lang="en", year=YEAR, term="1"))
    closing = term_end_orders.build(con, ReportParams(lang="en", year=YEAR, term="summer"))
    assert [s.heading for s in closing.sections] == ["Promotion to the next course", "State scholarship award",
                                                      "Expulsion for academic failure"]
    by_hand = scholarship_by_hand(con, YEAR, "1")
    assert ids(after_term_1, 1) == {s for s, (grant, studying, graded, below, _) in by_hand.items()
                                    if grant and studying and graded and not below}
    assert ids(after_term_1, 0) == ids(after_term_1, 2) == set()  # promotion waits for the closing session
    outcomes = progression_by_hand(con, YEAR)
    last_course = dict(query(con, "select s.student_id, p.duration_years from main.dim_students s"
                                  " join main.dim_programs p using (program_code)"))
    assert ids(closing, 0) == {s for s, (c, o) in outcomes.items() if o == "promoted" and c < last_course[s]}
    assert ids(closing, 2) == {s for s, (_, o) in outcomes.items() if o == "expulsion_candidate"} != set()
    assert set(col(closing.sections[2].frame, "lists_reason")) == {"Academic failure"}
    promoted = closing.sections[0].frame
    assert (col(promoted, "lists_next_course") == col(promoted, "lists_course") + 1).all()


# --- refusals and the catalogue (mini university) --------------------------------------------------

@pytest.fixture(scope="module")
def mini(published_mini: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(published_mini.warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize(("name", "given", "reason"), [
    ("scholarship_list", {"year": YEAR}, "scholarship_list needs --term"),
    ("vacant_grant_ranking", {"year": "2030-2031"}, "no terms of 2030-2031"),
    ("progression", {"year": "2024/2025"}, "not an academic year"),
    ("honours_candidates", {"year": YEAR}, "no results of that year for this list"),
    ("academic_debtors", {"year": YEAR, "term": "summer"}, "has no session results"),
    ("term_end_orders", {"term": "1"}, "term_end_orders needs --year"),
])
def test_each_list_refuses_what_it_cannot_make(mini: duckdb.DuckDBPyConnection, name: str,
                                               given: dict[str, str], reason: str) -> None:
    report = catalog.get(name)
    assert report.on_lists_page
    with pytest.raises(ReportError, match=reason):
        report.build(mini, params.parse(report, mini, **given))


def test_cli_lists_them_and_refuses_with_exit_2_and_no_file(published_mini: Home, tmp_path) -> None:
    env = {**os.environ, "REGISTRAR_HOME": str(published_mini.root)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "registrar.cli", "report", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    listed = cli("--list")
    assert listed.returncode == 0
    for name in NAMES:
        assert name in listed.stdout
    refused = cli("honours_candidates", "--year", YEAR, "--format", "xlsx", "--out", str(tmp_path / "h.xlsx"))
    assert refused.returncode == 2 and "no results of that year" in refused.stderr + refused.stdout
    assert list(tmp_path.iterdir()) == []
