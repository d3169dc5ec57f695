"""The deans' Attestation page on a real published demo: the numbers it shows equal those computed
here straight from the marts (sums of counts, rules B9), in each language; filters narrow them;
an empty selection says so; a debtor opens the student view; and in Chromium the charts render,
nothing leaves the machine, axe finds nothing critical and the XLSX download holds the rows shown."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.apptest import recording_queries, rendered
from tests.support.warehouse import latest_session, query

# AppTests signed in as the registrar; the browser test signs in through the form (tests/support/access.py)
pytestmark = [pytest.mark.xdist_group("dashboards"), pytest.mark.usefixtures("dashboard_as_registrar")]
APP = str(PROJECT_DIR / "dashboards" / "app.py")
BASE = re.compile(r"\(n = (?P<n>[\d.,\s\u00a0]+)\)")


def number(text: str, language: str) -> float:
    """A number as the page writes it in `language` (kk/ru: "1 234,5"; en: "1,234.5")."""
    text = text.replace("\u00a0", "").replace("\u2007", "").replace(" ", "")  # figure spaces pad a table
    return float(text.replace(",", "") if language == "en" else text.replace(",", "."))


def shown_rate(at: AppTest, label_key: str, language: str) -> tuple[float, int]:
    """The rate (in %) of a headline metric and the base n its label gives (rules B29)."""
    metric = next(m for m in at.metric if m.label.startswith(t(label_key, language) + " "))
    base = BASE.search(metric.label)
    assert base and metric.value.endswith(" %"), (metric.label, metric.value)
    return number(metric.value.removesuffix(" %"), language), int(number(base["n"], language))


def shown(at: AppTest, label_key: str, language: str) -> str:
    return next(m.value for m in at.metric if m.label == t(label_key, language))


def figures(at: AppTest) -> list[dict[str, Any]]:
    """The traces of every Plotly chart on the page (AppTest gives each chart's JSON spec)."""
    return [trace for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]]


def values(array: Any) -> list[float]:
    """A Plotly array as numbers: a list, or a typed array ({dtype, bdata} in base64), flattened."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return np.ravel(array).tolist()


def open_page(home: Home, monkeypatch: pytest.MonkeyPatch, language: str) -> AppTest:
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = language
    at.run()
    at.switch_page("views/attestation.py").run()
    assert not at.exception
    return at


def open_tab(at: AppTest, code: str, language: str) -> AppTest:
    """Click the page's tab `code` (session, debtors, final): the page reruns and draws only that tab."""
    at.session_state["att_tab"] = t(f"att_tab_{code}", language)
    at.run()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == [t(f"att_tab_{c}", language) for c in ("session", "debtors", "final")]
    return at


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_rates_shown_equal_the_session_results_mart(published_demo: Home, monkeypatch: pytest.MonkeyPatch,
                                                    language: str) -> None:
    at = open_page(published_demo, monkeypatch, language)
    year, term = latest_session(published_demo)
    # the widgets, in the chosen language, on the latest session by default
    labels = {s.label for s in at.selectbox}
    for key in ("att_year", "att_term", "att_faculty", "att_program", "att_course", "att_group", "att_discipline",
                "att_teacher", "att_study_form", "att_study_language"):
        assert t(key, language) in labels
    assert (at.selectbox(key="att_year").value, at.selectbox(key="att_term").value) == (year, term)
    # the terms of a year listed 2, 1, then summer
    in_year = query(published_demo, f"select t.label_{language} from main.fct_attestation_results r "
                    "join main.dim_terms t on t.academic_year = r.academic_year and t.term = r.term "
                    "where r.academic_year = ? group by all "
                    "order by max(t.is_regular_semester::int) desc, max(t.term_seq) desc", [year])
    assert list(at.selectbox(key="att_term").options) == [r[0] for r in in_year]
    metrics = [m.label for m in at.metric]
    for key in ("att_graded", "att_success", "att_quality", "att_mean_score", "att_debtors"):
        assert any(label.startswith(t(key, language)) for label in metrics), key
    # one metric per failing letter of the scale in use (FX and F on the 2018 scale of the demo)
    failing = [letter for (letter,) in query(published_demo, "select letter_grade from main.rpt_grade_letters "
                                                             "where not is_passing order by sort_order")]
    assert len(failing) >= 2
    for letter in failing:
        assert t("att_letter_results", language, letter=letter) in metrics, letter
    assert len(at.get("plotly_chart")) >= 3  # letters, trend, heatmap
    open_tab(at, "final", language)
    assert len(at.get("plotly_chart")) == 1  # the final attestation's letters
    open_tab(at, "session", language)

    # one faculty, then one of its groups and disciplines: the mart's sums of counts, never means of rates
    faculty, group, discipline = query(published_demo, """
        select faculty_code, group_code, discipline_code from main.fct_attestation_results
        where academic_year = ? and term = ? and group_code is not null
        group by all order by sum(n_graded) desc, 1, 2, 3 limit 1""", [year, term])[0]
    at.selectbox(key="att_faculty").set_value(faculty).run()
    passed, graded = query(published_demo, "select sum(n_passed), sum(n_graded) from main.fct_attestation_results "
                           "where academic_year = ? and term = ? and faculty_code = ?", [year, term, faculty])[0]
    assert shown_rate(at, "att_success", language) == (round(100 * passed / graded, 1), graded)
    at.selectbox(key="att_f_group").set_value(group).run()
    at.selectbox(key="att_f_discipline").set_value(discipline).run()
    assert not at.exception
    passed, graded, good = query(published_demo, """
        select sum(n_passed), sum(n_graded), sum(n_excellent + n_good) from main.fct_attestation_results
        where academic_year = ? and term = ? and faculty_code = ? and group_code = ? and discipline_code = ?""",
                                 [year, term, faculty, group, discipline])[0]
    narrowed = shown_rate(at, "att_success", language)
    assert narrowed == (round(100 * passed / graded, 1), graded)
    assert shown_rate(at, "att_quality", language) == (round(100 * good / graded, 1), graded)
    assert number(shown(at, "att_graded", language), language) == graded  # the filter changed the number
    # the heatmap holds that one cell: the same rate, its base on hover, marked when the base is small
    from dashboards.ui import small_cell_min

    cell, grey = (d for d in figures(at) if d["type"] == "heatmap")
    small = graded < small_cell_min()
    assert values(cell["z"]) == pytest.approx([float("nan") if small else 100 * passed / graded], nan_ok=True)
    assert values(grey["z"]) == pytest.approx([1.0 if small else float("nan")], nan_ok=True)  # a small cell is grey
    assert values(cell["customdata"]) == [graded]
    assert cell["text"][0][0].endswith("*") == small


def test_the_heatmap_puts_the_weakest_first_greys_small_cells_and_the_weakest_groups_are_ranked(
        published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards.ui import small_cell_min

    at = open_page(published_demo, monkeypatch, "en")
    year, term = latest_session(published_demo)
    cell, grey = (d for d in figures(at) if d["type"] == "heatmap")
    z, base = np.array(values(cell["z"]), dtype=float), np.array(values(cell["customdata"]), dtype=float)
    few = small_cell_min()
    assert (np.isnan(z) | (base >= few)).all()  # no small cell carries a colour of its rate
    grey_z = np.array(values(grey["z"]), dtype=float)
    assert ((grey_z == 1) == ((base < few) & (base > 0))).all()
    # groups (columns) weakest first by their success over the shown cells, counted from the mart
    cols = list(cell["x"])
    in_cols, in_rows = ", ".join("?" * len(cols)), ", ".join("?" * len(cell["y"]))
    rates = dict(query(published_demo, f"""
        select group_code, sum(n_passed) / sum(n_graded) from main.fct_attestation_results
        where academic_year = ? and term = ? and group_code in ({in_cols})
          and discipline_code in (select discipline_code from main.dim_disciplines
                                  where coalesce(name_en || ' (' || discipline_code || ')', discipline_code)
                                        in ({in_rows}))
        group by group_code""", [year, term, *cols, *cell["y"]]))
    ordered = [rates[c] for c in cols if c in rates]
    assert len(ordered) >= 2 and ordered == sorted(ordered)
    # the weakest groups: a table of its own, weakest first, no small base ranked
    table = next(d.value for d in at.dataframe if d.value.columns[0] == t("att_group", "en"))
    assert all(number(n, "en") >= few for n in table[t("att_col_n", "en")])
    shown_rates = [number(r, "en") for r in table[t("att_col_success_pct", "en")]]
    assert shown_rates == sorted(shown_rates)
    assert t("att_weakest_groups", "en") in [h.value for h in at.subheader]


def test_debtors_and_rankings_follow_the_rules(published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(published_demo, monkeypatch, "en")
    year, term = latest_session(published_demo)
    # debtors after the session, counted independently from the grades: students with a first attempt of
    # the session whose last attempt of the same term is still not passed
    (debtors,) = query(published_demo, """
        select count(distinct student_id) from main.fct_grades
        where source = 'session' and is_last_in_term and not is_passed and academic_year = ? and term = ?""",
                       [year, term])[0]
    assert number(shown(at, "att_debtors", "en"), "en") == debtors
    # no rate resting on fewer than small_cell_min() students is ranked (rules B29)
    from dashboards.ui import small_cell_min

    ranked = [d for d in at.dataframe if d.value.columns[0] in (t("att_discipline", "en"), t("att_teacher", "en"))]
    assert len(ranked) >= 2  # the weakest disciplines and teachers
    for table in ranked:
        assert all(number(n, "en") >= small_cell_min() for n in table.value[t("att_col_n", "en")])
        rates = [number(r, "en") for r in table.value[t("att_col_success_pct", "en")]]
        assert rates == sorted(rates)  # weakest first

    # the debtors' names in the Russian collation (the English page sorts Cyrillic names as ru)
    open_tab(at, "debtors", "en")
    names = [d for d in at.dataframe if d.value.columns[0] == t("att_col_full_name", "en")][0].value
    names = names[t("att_col_full_name", "en")].drop_duplicates().tolist()
    con = duckdb.connect()
    assert names == [r[0] for r in con.execute("select unnest(?) as n order by n collate ru", [names]).fetchall()]
    con.close()

    # a debtor opens the student view: the page hands the id to the student page
    label = at.selectbox(key="att_debtor_pick").options[-1]  # shown as "Name (id)"
    student_id = re.search(r"\(([^()]+)\)$", label).group(1)  # type: ignore[union-attr]
    at.selectbox(key="att_debtor_pick").set_value(student_id).run()
    at.button(key="att_open_student").click().run()
    assert not at.exception
    assert at.session_state["student_id"] == student_id


STILL_OWING = """
    with debtors as (  -- the session's debtors: a session result still not passed after the term's retakes
        select distinct student_id from main.fct_grades
        where source = 'session' and is_last_in_term and not is_passed and academic_year = ? and term = ?),
    standing as (  -- each discipline's latest attempt of each student, whatever its term or source (rules B19)
        select student_id, is_passed from main.fct_grades
        qualify row_number() over (partition by student_id, discipline_code order by attempt_seq desc) = 1)
    select count(distinct student_id) from debtors join standing using (student_id) where not standing.is_passed"""


def test_both_debtor_counts_are_shown_with_their_definitions(published_demo: Home,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23 point 3: the headline's debtors after the session (incl. retakes) and those still owing on the
    data's last date, which the Debtors tab lists: two figures, each named by what it counts."""
    at = open_page(published_demo, monkeypatch, "en")
    year, term = latest_session(published_demo)
    (owing,) = query(published_demo, STILL_OWING, [year, term])[0]
    (after,) = query(published_demo, """
        select count(distinct student_id) from main.fct_grades
        where source = 'session' and is_last_in_term and not is_passed and academic_year = ? and term = ?""",
                     [year, term])[0]
    assert 0 < owing < after  # else the two figures could not contradict each other, nor this test tell them apart
    (last,) = query(published_demo, "select extract_date from meta.refresh")[0]
    on = f"{last:%d.%m.%Y}"
    assert number(shown(at, "att_debtors", "en"), "en") == after
    assert t("att_debtors", "en").endswith("(incl. retakes)")
    today = next(m for m in at.metric if m.label == t("att_debtors_today", "en", date=on))
    assert number(today.value, "en") == owing
    assert on in today.help and "B19" in today.help
    open_tab(at, "debtors", "en")
    (listed,) = [d.value for d in at.dataframe if t("att_col_action", "en") in d.value.columns]
    assert listed[t("att_col_student_id", "en")].nunique() == owing  # the list is the students still owing
    captions = [rendered(c.value) for c in at.caption]
    assert t("att_debtors_counts", "en", today=str(owing), after=str(after), date=on) in captions


def test_a_role_that_may_not_list_students_is_told_the_list_is_withheld(published_demo: Home,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Not "no debts": a role of aggregates only outside the viewer's published tables (the registrar's role
    made so here) sees both counts and is told the list is withheld for its role."""
    from dataclasses import replace

    from registrar.access import roles

    monkeypatch.setitem(roles.ROLE_TABLE, "registrar", replace(roles.ROLE_TABLE["registrar"], individuals=False))
    at = open_page(published_demo, monkeypatch, "ru")
    year, term = latest_session(published_demo)
    (owing,) = query(published_demo, STILL_OWING, [year, term])[0]
    assert owing > 0
    (last,) = query(published_demo, "select extract_date from meta.refresh")[0]
    label = t("att_debtors_today", "ru", date=f"{last:%d.%m.%Y}")
    assert number(next(m.value for m in at.metric if m.label == label), "ru") == owing
    open_tab(at, "debtors", "ru")
    infos = [rendered(i.value) for i in at.info]
    assert t("att_debtors_withheld", "ru") in infos
    assert t("att_debtors_none", "ru") not in infos
    assert not [d for d in at.dataframe if t("att_col_action", "ru") in d.value.columns]  # no debtors table


def test_filters_narrow_each_other_and_the_final_tab_honours_them(published_demo: Home,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23, point 7: the group list follows the course, a group the new course lacks falls back
    to every group (never "no results" from two filters that cannot meet), and the final attestation
    tab narrows by the course and group shown."""
    at = open_page(published_demo, monkeypatch, "ru")
    year, term = latest_session(published_demo)
    course = query(published_demo, "select course from main.fct_attestation_breakdown where academic_year = ? "
                   "and term = ? group by 1 order by count(distinct group_code) desc, 1 limit 1", [year, term])[0][0]
    at.selectbox(key="att_f_course").set_value(course).run()
    groups = {r[0] for r in query(published_demo, "select distinct group_code from main.fct_attestation_breakdown "
                                  "where academic_year = ? and term = ? and course = ? and group_code is not null",
                                  [year, term, course])}
    offered = set(at.selectbox(key="att_f_group").options) - {t("att_all", "ru")}
    assert offered == groups
    elsewhere = query(published_demo, "select min(group_code) from main.fct_attestation_breakdown where "
                      "academic_year = ? and term = ? and group_code not in (select group_code from "
                      "main.fct_attestation_breakdown where academic_year = ? and term = ? and course = ? "
                      "and group_code is not null)", [year, term, year, term, course])[0][0]
    at.selectbox(key="att_f_course").set_value(None).run()
    at.selectbox(key="att_f_group").set_value(elsewhere).run()
    at.selectbox(key="att_f_course").set_value(course).run()
    assert not at.exception
    assert at.selectbox(key="att_f_group").value is None  # the other course's group no longer applies
    assert at.metric and t("att_empty_filter", "ru") not in [i.value for i in at.info]

    # the final attestation of a group: only its students' results
    final_year, final_group, n = query(published_demo, """
        select academic_year, group_code, count(*) from main.rpt_final_attestation_results
        where group_code is not null group by all order by academic_year desc, 3 desc limit 1""")[0]
    final_terms = query(published_demo, "select distinct term from main.fct_attestation_breakdown "
                        "where academic_year = ? and group_code = ?", [final_year, final_group])
    at = open_page(published_demo, monkeypatch, "ru")
    at.selectbox(key="att_year").set_value(final_year).run()
    at.selectbox(key="att_term").set_value(final_terms[0][0]).run()
    at.selectbox(key="att_f_group").set_value(final_group).run()
    open_tab(at, "final", "ru")
    heading = t("att_col_full_name", "ru")
    final_tables = [d.value for d in at.dataframe if heading in d.value.columns and t("att_col_score", "ru")
                    in d.value.columns]
    assert len(final_tables) == 1 and len(final_tables[0]) == n
    total = query(published_demo, "select count(*) from main.rpt_final_attestation_results "
                  "where academic_year = ?", [final_year])[0][0]
    assert total > n  # without the group filter the tab would list more


def test_a_link_reopens_the_same_view(published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23, point 7: the filters are kept in the address; a link or a reload reopens them, and a
    value outside the user's own options is ignored."""
    at = open_page(published_demo, monkeypatch, "en")
    year, term = latest_session(published_demo)
    course = query(published_demo, "select min(course) from main.fct_attestation_breakdown "
                   "where academic_year = ? and term = ?", [year, term])[0][0]
    at.selectbox(key="att_f_course").set_value(course).run()
    open_tab(at, "debtors", "en")  # the open tab too (issue 23 point 15)
    address = {k: v[0] if isinstance(v, list) else v for k, v in dict(at.query_params).items()}
    assert (address["att_year"], address["att_term"], address["att_f_course"]) == (year, term, str(course))
    assert address["att_tab"] == "debtors"

    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    again = AppTest.from_file(APP, default_timeout=90)
    again.session_state["lang"] = "en"
    for key, value in {**address, "att_f_group": "NO-SUCH-GROUP"}.items():
        again.query_params[key] = value
    again.run()
    again.switch_page("views/attestation.py").run()
    assert not again.exception
    assert (again.selectbox(key="att_year").value, again.selectbox(key="att_term").value) == (year, term)
    assert again.selectbox(key="att_f_course").value == course
    assert again.selectbox(key="att_f_group").value is None
    assert again.session_state["att_tab"] == t("att_tab_debtors", "en")
    assert [d for d in again.dataframe if t("att_col_action", "en") in d.value.columns]  # the debtors list
    assert not again.get("plotly_chart")  # not the session tab's charts

    # a tab that is no tab of the page is ignored: the page opens on the session
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    wrong = AppTest.from_file(APP, default_timeout=90)
    wrong.session_state["lang"] = "en"
    wrong.query_params["att_tab"] = "NO-SUCH-TAB"
    wrong.run()
    wrong.switch_page("views/attestation.py").run()
    assert wrong.session_state["att_tab"] == t("att_tab_session", "en")
    assert dict(wrong.query_params)["att_tab"] in (["session"], "session")


def test_only_the_open_tab_runs_its_queries_and_draws_its_charts(published_demo: Home,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23 point 15: a tab nobody opened asks the data layer nothing and draws no chart. Every query the
    page asks dashboards/data.py for (cached or not) is recorded, per tab opened."""
    asked = recording_queries(monkeypatch)

    def final_list(sql: str) -> bool:
        return "rpt_final_attestation_results" in sql

    def debtors_list(sql: str) -> bool:
        return "required_action" in sql

    def heatmap(sql: str) -> bool:
        return "top_d" in sql

    at = open_page(published_demo, monkeypatch, "en")  # the session tab
    assert [s for s in asked if heatmap(s)] and not [s for s in asked if final_list(s) or debtors_list(s)]
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert len(titles) == 3 and not [x for x in titles if x.startswith(t("att_final_letters_title", "en", year=""))]

    # a closed tab keeps no widget state: the heatmap's measure is kept in the address across tabs
    at.radio(key="att_measure").set_value("quality").run()
    asked.clear()
    open_tab(at, "debtors", "en")
    assert [s for s in asked if debtors_list(s)] and not [s for s in asked if final_list(s) or heatmap(s)]
    assert not at.get("plotly_chart")

    asked.clear()
    open_tab(at, "final", "en")
    assert [s for s in asked if final_list(s)] and not [s for s in asked if debtors_list(s) or heatmap(s)]
    assert not [s for s in asked if "rpt_academic_debtors" in s or "debtor_student_ids" in s]  # no headline
    assert len(at.get("plotly_chart")) == 1  # the final attestation's letters only
    assert open_tab(at, "session", "en").radio(key="att_measure").value == "quality"


def test_no_sql_in_the_page_and_bench_calls_run(published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    from dashboards.queries import attestation
    from registrar.access.scope import Scope

    page = (PROJECT_DIR / "dashboards" / "views" / "attestation.py").read_text(encoding="utf-8")
    assert not re.search(r"\bselect\b.+\bfrom\b", page, re.IGNORECASE)
    names = [name for name, call in attestation.bench_calls(Scope()) if call() is not None]
    assert {"university", "faculty", "group"} <= set(names)


def test_a_user_who_sees_no_results_is_told_so(published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    import dashboards.data
    from registrar.access.scope import Scope

    monkeypatch.setattr(dashboards.data, "current_scope", lambda: Scope(faculties=("NO-SUCH-FACULTY",)))
    at = open_page(published_demo, monkeypatch, "kk")
    assert [i.value for i in at.info] == [t("att_empty_nothing", "kk")]
    assert not at.metric and not at.get("plotly_chart")


def test_a_viewer_opens_on_the_latest_main_term_and_reads_terms_2_1_summer(published_demo: Home,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23 point 1 on the viewer's page (the published rpt_viewer_attestation): the order of the other roles',
    by the same query: years newest first, in a year the terms 2, 1, then summer, so the page opens on the latest
    main term and not on the summer retakes after it."""
    from tests.support.access import signed_in

    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    at = signed_in(AppTest.from_file(APP, default_timeout=90), "viewer", published_demo)
    at.session_state["lang"] = "en"
    at.switch_page("views/attestation.py").run()
    published = query(published_demo, """
        select v.academic_year, v.term, t.label_en, t.is_regular_semester from main.rpt_viewer_attestation v
        join main.dim_terms t on t.academic_year = v.academic_year and t.term = v.term
        group by all order by v.academic_year desc, t.is_regular_semester desc, max(v.term_seq) desc""")
    latest_year = published[0][0]
    assert [term for year, term, *_ in published if year == latest_year][-1] == "summer", \
        "no summer term after the latest main term: this test proves nothing"
    box = at.selectbox(key="att_viewer_session")
    assert tuple(box.value) == latest_session(published_demo)  # not the summer term, latest by its sequence
    assert box.options == [t("att_session_label", "en", year=y, term=label) for y, _, label, _ in published]
