"""The Contingent page on the published demo: the numbers it shows equal the marts' (the headcount
on a census date, the month's movements, the status transitions) in each language, a faculty and a
date change them, a date before the data says so plainly; and in a real browser the charts (the
Sankey too) render with no console error, nothing leaves the machine, axe finds no critical
violation, the language switch relabels the page and the XLSX download holds the rows shown."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.ui import fmt_int, fmt_rate
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.apptest import number, recording_queries, rendered
from tests.support.warehouse import query as rows

# AppTests signed in as the registrar; the browser test signs in through the form (tests/support/access.py)
pytestmark = [pytest.mark.xdist_group("dashboards"), pytest.mark.usefixtures("dashboard_as_registrar")]
APP = str(PROJECT_DIR / "dashboards" / "app.py")
# movements that change a student's status (seed movement_types: status_after set), written out here
STATUS_MOVEMENTS = ("admission", "transfer_in", "academic_leave", "return_from_leave", "expulsion", "readmission",
                    "graduation", "mobility_out", "mobility_return")


@pytest.fixture
def contingent(published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))

    def open_page(lang: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["lang"] = lang
        at.run()
        at.switch_page("views/contingent.py").run()
        assert not at.exception
        return at

    return open_page


TABS = ("headcount", "movements", "retention", "funding", "mismatches")


def open_tab(at: AppTest, code: str, lang: str) -> AppTest:
    """Click the page's tab `code`: the page reruns and draws only that tab (issue 23 point 15)."""
    at.session_state["con_tab"] = t(f"con_tab_{code}", lang)
    at.run()
    assert not at.exception
    return at


def metric(at: AppTest, key: str, lang: str) -> str:
    found = {m.label: m.value for m in at.metric}
    return found[t(key, lang)]


def table_with(at: AppTest, header_key: str, lang: str) -> Any:
    """The first table on the page whose headers include `header_key` translated."""
    for shown in at.dataframe:
        if t(header_key, lang) in shown.value.columns:
            return shown.value
    raise AssertionError(f"no table with a {header_key} column")


def charts(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def values(data: Any) -> list[Any]:
    """A trace's x or y as a list: Plotly writes a numeric array as base64 ({"dtype", "bdata"})."""
    if isinstance(data, dict) and "bdata" in data:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_headcount_on_a_census_date_is_the_monthly_marts(contingent: Callable[[str], AppTest],
                                                          published_demo: Home, lang: str) -> None:
    census = [d for (d,) in rows(published_demo, "select distinct snapshot_date from main.fct_contingent_monthly "
                                                 "where is_census_date order by 1")]
    assert len(census) >= 2
    by_faculty = dict(rows(published_demo, "select faculty_code, sum(headcount) from main.fct_contingent_monthly "
                                           "where snapshot_date = ? group by 1 order by 2 desc", [census[-1]]))
    before = dict(rows(published_demo, "select faculty_code, sum(headcount) from main.fct_contingent_monthly "
                                        "where snapshot_date = ? group by 1", [census[-2]]))
    # the largest faculty whose headcount differs between the two dates, and another of a different size
    faculty = next(f for f in by_faculty if before.get(f) != by_faculty[f])
    other = next(f for f in by_faculty if by_faculty[f] != by_faculty[faculty])
    earlier = before[faculty]
    assert earlier != by_faculty[faculty] and by_faculty[other] != by_faculty[faculty]  # else the test proves nothing

    at = contingent(lang)
    for key in ("con_faculty", "con_dimension"):
        assert at.selectbox(key=key).label == t(key, lang)
    assert at.date_input(key="con_date").label == t("con_date", lang)
    assert [tab.label for tab in at.tabs] == [t(k, lang) for k in (
        "con_tab_headcount", "con_tab_movements", "con_tab_retention", "con_tab_funding", "con_tab_mismatches")]
    assert len(charts(at)) == 2  # headcount, census series: only the open tab's
    open_tab(at, "movements", lang)
    assert at.date_input(key="con_period").label == t("con_period", lang)
    assert len(charts(at)) == 2  # movements, Sankey
    open_tab(at, "retention", lang)
    assert at.selectbox(key="con_program").label == t("con_program", lang)
    assert len(charts(at)) == 1  # retention
    assert len(charts(open_tab(at, "funding", lang))) == 1  # funding
    open_tab(at, "headcount", lang)

    at.selectbox(key="con_faculty").set_value(faculty).run()
    at.date_input(key="con_date").set_value(census[-1]).run()
    assert not at.exception
    assert metric(at, "con_headcount", lang) == fmt_int(by_faculty[faculty], lang)
    titles = [c["layout"]["title"]["text"] for c in charts(at)]
    assert any(f"{census[-1]:%d.%m.%Y}" in title for title in titles)

    shown = table_with(at, "con_census_date", lang)  # the census series of this faculty
    per_date = dict(rows(published_demo, "select snapshot_date, sum(headcount) from main.fct_contingent_monthly "
                                         "where is_census_date and faculty_code = ? group by 1", [faculty]))
    totals = shown.assign(n=[number(v, lang) for v in shown[t("con_headcount", lang)]]).groupby(
        t("con_census_date", lang))["n"].sum().to_dict()
    assert totals == {f"{d:%d.%m.%Y}": n for d, n in per_date.items()}

    at.date_input(key="con_date").set_value(census[-2]).run()
    assert metric(at, "con_headcount", lang) == fmt_int(earlier, lang)
    at.date_input(key="con_date").set_value(census[-1]).run()
    at.selectbox(key="con_faculty").set_value(other).run()
    assert metric(at, "con_headcount", lang) == fmt_int(by_faculty[other], lang)


def test_headcount_by_citizenship_on_an_arbitrary_day(contingent: Callable[[str], AppTest],
                                                      published_demo: Home) -> None:
    """A day that is no snapshot date is counted from the periods in force on it (rules B10)."""
    (last,) = rows(published_demo, "select max(snapshot_date) from main.fct_contingent_monthly where is_month_end")[0]
    day = last - dt.timedelta(days=100)
    snapshots = rows(published_demo, "select count(*) from main.fct_contingent_monthly where snapshot_date = ?", [day])
    assert snapshots == [(0,)]  # no snapshot date: counted from the periods alone
    (expected,) = rows(published_demo,
                       "select count(*) from main.fct_student_status_history where counts_in_headcount "
                       "and valid_from <= ? and (valid_to is null or valid_to > ?)", [day, day])[0]
    at = contingent("en")
    at.selectbox(key="con_dimension").set_value("citizenship").run()
    at.date_input(key="con_date").set_value(day).run()
    assert metric(at, "con_headcount", "en") == fmt_int(expected, "en")
    shown = table_with(at, "con_dim_citizenship", "en")
    assert set(shown["Citizenship"]) <= {t("con_citizenship_domestic", "en"), t("con_citizenship_foreign", "en")}
    assert sum(number(v, "en") for v in shown["Headcount"]) == expected


def test_movements_and_transitions_are_counts_of_the_order_lines(contingent: Callable[[str], AppTest],
                                                                 published_demo: Home) -> None:
    (last,) = rows(published_demo, "select max(effective_date) from main.fct_contingent_movements")[0]
    start, end = dt.date(last.year - 1, 7, 1), dt.date(last.year, 6, 30)
    faculty = rows(published_demo, "select faculty_code from main.dim_faculties order by 1")[0][0]
    lines = ("from main.fct_contingent_movements where not is_before_entry and effective_date between ? and ? "
             "and coalesce(faculty_code_after, faculty_code_before) = ?")
    params = [start, end, faculty]
    (n_status,) = rows(published_demo, f"select count(*) {lines} and movement in {STATUS_MOVEMENTS}", params)[0]
    (n_admitted,) = rows(published_demo, f"select count(*) {lines} and movement = 'admission'", params)[0]
    expelled = dict(rows(published_demo, f"select reason_label_ru, count(*) {lines} and movement = 'expulsion' "
                                         "group by 1", params))
    (n_transitions,) = rows(published_demo, f"select count(*) {lines} and status_before is distinct from status_after",
                            params)[0]
    assert n_admitted > 0 and expelled

    at = open_tab(contingent("ru"), "movements", "ru")
    at.selectbox(key="con_faculty").set_value(faculty).run()
    at.date_input(key="con_period").set_value((start, end)).run()
    assert not at.exception
    assert metric(at, "con_movement_total", "ru") == fmt_int(n_status, "ru")
    shown = table_with(at, "con_movement", "ru")
    shown = shown.assign(**{t("con_n_movements", "ru"): [number(v, "ru") for v in shown[t("con_n_movements", "ru")]]})
    by_movement = shown.groupby(t("con_movement", "ru"))[t("con_n_movements", "ru")].sum()
    assert by_movement["Зачисление"] == n_admitted  # the seed's label, never the code
    expulsions = shown[shown[t("con_movement", "ru")] == "Отчисление"]
    assert expulsions.groupby(t("con_reason", "ru"))[t("con_n_movements", "ru")].sum().to_dict() == expelled
    sankey = next(c for c in charts(at) if c["data"][0]["type"] == "sankey")["data"][0]
    assert sum(sankey["link"]["value"]) == n_transitions
    labels = [label.rsplit(":", 1)[0] for label in sankey["node"]["label"]]  # "Обучается: 12"
    assert "Обучается" in labels and "active" not in labels


def test_a_date_before_any_data_says_so(contingent: Callable[[str], AppTest]) -> None:
    at = contingent("kk")
    at.date_input(key="con_date").set_value(dt.date(2000, 1, 1)).run()
    assert not at.exception
    assert any("01.01.2000" in rendered(info.value) for info in at.info)
    assert t("con_headcount", "kk") not in {m.label for m in at.metric}


def test_the_page_is_dated_defaults_to_the_data_s_last_date_and_warns_after_it(
        contingent: Callable[[str], AppTest], published_demo: Home) -> None:
    """Issue 23 point 2: "data as of" the extract's last signed document, computed here from the marts; the
    date and the period default to it (not today, which would repeat the last state); a later day is warned."""
    (last,) = rows(published_demo, """
        select greatest((select max(order_date) from main.fct_contingent_movements),
                        (select max(graded_on) from main.fct_grades),
                        (select max(protocol_date) from main.fct_recognition_lines))""")[0]
    assert last < dt.date.today()  # else a default of today would pass this test too
    (expected,) = rows(published_demo,
                       "select count(*) from main.fct_student_status_history where counts_in_headcount "
                       "and valid_from <= ? and (valid_to is null or valid_to > ?)", [last, last])[0]
    at = contingent("kk")
    assert t("data_as_of", "kk", date=f"{last:%d.%m.%Y}") in [rendered(c.value) for c in at.caption]
    assert at.date_input(key="con_date").value == last
    assert metric(at, "con_headcount", "kk") == fmt_int(expected, "kk")
    assert not at.warning
    assert open_tab(at, "movements", "kk").date_input(key="con_period").value[-1] == last
    assert not at.warning
    open_tab(at, "headcount", "kk")

    later = min(last + dt.timedelta(days=48), dt.date.today())
    at.date_input(key="con_date").set_value(later).run()
    assert [rendered(w.value) for w in at.warning] == [
        t("data_after_last", "kk", date=f"{later:%d.%m.%Y}", last=f"{last:%d.%m.%Y}")]


def test_mismatches_show_labels_not_codes(published_demo: Home, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the demo with two mismatches: the table names the attribute and the statuses in the
    chosen language, and a faculty chosen elsewhere on the page hides the other faculty's row."""
    import shutil

    home = Home(tmp_path)
    shutil.copy(published_demo.warehouse, home.warehouse)
    con = duckdb.connect(str(home.warehouse))
    try:
        (a, fa), (b, fb) = con.execute(
            "select student_id, faculty_code from main.dim_students where faculty_code in "
            "(select min(faculty_code) from main.dim_faculties union select max(faculty_code) from main.dim_faculties) "
            "qualify row_number() over (partition by faculty_code order by student_id) = 1 order by faculty_code"
        ).fetchall()
        # the mart carries each value's labels (a status's from its seed, another value's its raw code)
        labels = ", ".join(f"{side}_label_{lang}" for side in ("expected", "actual") for lang in ("kk", "ru", "en"))
        con.execute(f"insert into main.rpt_contingent_mismatches (student_id, full_name, faculty_code, program_code, "
                    f"attribute, expected_value, actual_value, {labels}) "
                    "select ?, 'A', ?, 'P', 'status', e.status, o.status, e.label_kk, e.label_ru, e.label_en, "
                    "o.label_kk, o.label_ru, o.label_en from reference.contingent_statuses e, "
                    "reference.contingent_statuses o where e.status = 'active' and o.status = 'academic_leave' "
                    "union all select ?, 'B', ?, 'P', 'entry_order', 'present', 'missing', 'present', 'present', "
                    "'present', 'missing', 'missing', 'missing'", [a, fa, b, fb])
    finally:
        con.close()
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "ru"
    at.run()
    at.switch_page("views/contingent.py").run()
    open_tab(at, "mismatches", "ru")
    shown = table_with(at, "con_attribute", "ru")
    assert shown[[t("con_student_id", "ru"), t("con_attribute", "ru"), t("con_expected", "ru"), t("con_actual", "ru")]
                 ].values.tolist() == sorted([[a, "Статус", "Обучается", "В академическом отпуске"],
                                              [b, "Приказ о зачислении", "есть", "нет"]])
    at.selectbox(key="con_faculty").set_value(fa).run()
    assert table_with(at, "con_attribute", "ru")[t("con_student_id", "ru")].tolist() == [a]


def test_a_small_cohort_is_marked_not_hidden(contingent: Callable[[str], AppTest], published_demo: Home) -> None:
    """Rules B29: a cohort of fewer than small_cell_min students is drawn dotted and marked, its rate with n."""
    from dashboards.ui import small_cell_min

    program, year, size = rows(published_demo, "select program_code, intake_year, min(cohort_size) "
                                               "from main.fct_cohort_retention group by 1, 2 order by 3, 1, 2")[0]
    assert size < small_cell_min()  # the demo has one, else this test proves nothing
    at = open_tab(contingent("en"), "retention", "en")
    at.selectbox(key="con_program").set_value(program).run()
    chart = next(c for c in charts(at) if c["layout"]["title"]["text"].startswith("Left without graduating"))
    trace = next(tr for tr in chart["data"] if tr["name"].startswith(str(year)))
    assert trace["name"].endswith(t("small_base_mark", "en")) and trace["line"]["dash"] == "dot"
    shown = table_with(at, "con_dropout_rate", "en")
    marked = shown[shown["Intake year"] == str(year)][t("con_dropout_rate", "en")]  # a year, written as text
    assert not marked.empty and marked.str.endswith(t("small_base_mark", "en")).all()


# the outcomes of seed contingent_statuses.retention_outcome, written out here so that the test does not read
# the mart's is_graduated / is_dropout flags it checks
ENROLLED, GRADUATED, EXPELLED = "enrolled", "graduated", "expelled"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_retention_counts_graduates_apart_from_dropouts(contingent: Callable[[str], AppTest], published_demo: Home,
                                                        lang: str) -> None:
    """Issue 23 point 5: each cohort's still enrolled, graduated and left without graduating on each census date,
    and the dropout rate = left without graduating / cohort, equal to the mart's outcomes summed here by their
    codes; the chart draws the dropout share, so a cohort whose students graduated does not fall to ~20 %; and
    the Kazakh page calls a cohort "қабылдау легі", never "топ" (a group)."""
    expected = rows(published_demo, f"""
        with sizes as (select intake_year, sum(cohort_size) as cohort_size
                       from (select distinct intake_year, program_code, cohort_size from main.fct_cohort_retention)
                       group by 1)
        select r.intake_year, r.years_after, s.cohort_size,
               coalesce(sum(r.n_students) filter (where r.retention_outcome = '{ENROLLED}'), 0),
               coalesce(sum(r.n_students) filter (where r.retention_outcome = '{GRADUATED}'), 0),
               coalesce(sum(r.n_students) filter (where r.retention_outcome = '{EXPELLED}'), 0)
        from main.fct_cohort_retention r join sizes s using (intake_year) group by all order by 1, 2""")
    graduated = [r for r in expected if r[4] > 0]
    assert graduated, "the demo has no graduates: this test proves nothing"
    for _, _, size, enrolled, grads, dropouts in expected:
        assert enrolled + grads + dropouts == size  # every student of the cohort has one outcome

    at = open_tab(contingent(lang), "retention", lang)
    shown = table_with(at, "con_dropout_rate", lang)
    columns = [t(k, lang) for k in ("con_intake_year", "con_years_after", "con_cohort_size", "con_n_retained",
                                    "con_n_graduated", "con_n_dropout")]
    assert [tuple(int(number(v, lang)) for v in r) for r in shown[columns].values.tolist()] == [
        tuple(int(v) for v in r) for r in expected]
    assert shown[t("con_dropout_rate", lang)].tolist() == [
        fmt_rate(dropouts / size, size, lang) for *_, size, _, _, dropouts in expected]

    chart = next(c for c in charts(at) if c["layout"]["title"]["text"].startswith(
        t("con_retention_title", lang, first="", last="").split(":")[0]))
    assert chart["layout"]["yaxis"]["title"]["text"] == t("con_dropout_axis", lang)
    year, years_after, size, _, grads, dropouts = max(graduated, key=lambda r: r[4] / r[2])
    trace = next(tr for tr in chart["data"] if tr["name"].startswith(str(year)))
    point = values(trace["y"])[values(trace["x"]).index(years_after)]
    assert point == pytest.approx(100 * dropouts / size)
    assert point < 100 * (dropouts + grads) / size - 1  # the graduates are not among the losses

    # the retention tab's words in Kazakh: a cohort is "қабылдау легі", never "топ" (a group)
    tab = at.tabs[2]
    words = " ".join([tab.label, chart["layout"]["title"]["text"], *shown.columns,
                      *(rendered(c.value) for c in tab.caption)])
    if lang == "kk":
        assert "қабылдау легі" in words.lower()
        assert not re.search(r"\bтоп", words, re.IGNORECASE), words


def test_census_dates_before_the_first_complete_census_are_shaded(contingent: Callable[[str], AppTest],
                                                                   published_demo: Home) -> None:
    """Issue 23 point 4 (rules B12): the first complete census, found here from the monthly mart and the
    programmes (every level with students has some in every course 1 … its longest programme), equals
    fct_census_dates'; the census chart shades the dates before it and a caption says why, for a faculty
    too (the rule is university-wide)."""
    found = rows(published_demo, """
        with present as (
            select m.snapshot_date, m.level, m.course, max(p.duration_years) over (partition by m.snapshot_date,
                   m.level) as duration
            from main.fct_contingent_monthly m join main.dim_programs p using (program_code)
            where m.is_census_date and m.n_enrolled > 0),
        levels as (select snapshot_date, level,
                          count(distinct course) filter (where course <= duration) = max(duration) as complete
                   from present group by all)
        select snapshot_date from levels group by 1 having bool_and(complete) order by 1 limit 1""")
    (first,) = found[0]
    census = [d for (d,) in rows(published_demo, "select snapshot_date from main.fct_census_dates order by 1")]
    before = [d for d in census if d < first]
    assert before and before[0] == census[0], "the demo starts complete: this test proves nothing"
    assert rows(published_demo, "select snapshot_date from main.fct_census_dates where not is_complete_history "
                                "order by 1") == [(d,) for d in before]
    faculty = rows(published_demo, "select faculty_code from main.dim_faculties order by 1")[0][0]

    for lang, chosen in (("ru", None), ("kk", faculty)):
        at = contingent(lang)
        if chosen:
            at.selectbox(key="con_faculty").set_value(chosen).run()
        assert not at.exception
        chart = next(c for c in charts(at) if c["layout"].get("barmode") == "stack")  # the census series
        categories = list(dict.fromkeys(x for tr in chart["data"] for x in tr["x"]))
        assert categories == sorted(categories, key=lambda s: dt.datetime.strptime(s, "%d.%m.%Y"))
        (shade,) = [s for s in chart["layout"]["shapes"] if s["type"] == "rect"]
        shaded = [c for i, c in enumerate(categories) if shade["x0"] < i < shade["x1"]]
        assert shaded == [f"{d:%d.%m.%Y}" for d in before if f"{d:%d.%m.%Y}" in categories]
        assert shaded and shaded[-1] != categories[-1]
        assert any(a["text"] == t("con_census_incomplete_band", lang) for a in chart["layout"]["annotations"])
        note = t("con_census_incomplete_note", lang, first=f"{first:%d.%m.%Y}")
        assert note in [rendered(c.value) for c in at.caption]


def test_one_faculty_in_view_opens_by_programme(contingent: Callable[[str], AppTest], published_demo: Home) -> None:
    """Issue 23, point 7: by faculty would be one bar for a dean or a chosen faculty, so the page opens
    by programme then; with every faculty in view, by faculty. The choice is kept in the address."""
    at = contingent("en")
    assert at.selectbox(key="con_dimension").value == "faculty"
    faculty = rows(published_demo, "select min(faculty_code) from main.dim_faculties")[0][0]

    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.session_state["lang"] = "en"
    fresh.query_params["con_faculty"] = faculty
    fresh.run()
    fresh.switch_page("views/contingent.py").run()
    assert not fresh.exception
    assert fresh.selectbox(key="con_faculty").value == faculty
    assert fresh.selectbox(key="con_dimension").value == "program"
    # each programme is its own bar, named with its code: two programmes may share a name (seen on the screenshots)
    programmes = {r[0] for r in rows(published_demo, "select program_code || ' ' || name_en from main.dim_programs "
                                                     "where faculty_code = ?", [faculty])}
    bars = [f for f in (json.loads(c.proto.spec) for c in fresh.get("plotly_chart")) if f["data"]
            and f["data"][0].get("orientation") == "h"]
    shown = [y for trace in bars[0]["data"] for y in trace["y"]] if bars else []
    assert len(shown) > 1 and set(shown) <= programmes and len(shown) == len(set(shown)), shown
    assert dict(fresh.query_params)["con_dimension"] in (["program"], "program")


def test_labels_follow_the_breakdown_and_movement_families_keep_one_hue(contingent: Callable[[str], AppTest],
                                                                       published_demo: Home) -> None:
    """Issue 23 point 14: the count beside the headcount names what it counts (faculties when broken down by
    faculty, never "groups"); on the movements chart each movement (a family of reasons) has one hue and its
    reasons shades of it; the Sankey's nodes carry their counts under "before" and "after" headings."""
    import colorsys

    at = contingent("kk")
    for dimension in ("faculty", "course"):
        at.selectbox(key="con_dimension").set_value(dimension).run()
        labels = [m.label for m in at.metric]
        assert t(f"con_n_values_{dimension}", "kk") in labels
    (last,) = rows(published_demo, "select max(effective_date) from main.fct_contingent_movements")[0]
    open_tab(at, "movements", "kk")
    at.date_input(key="con_period").set_value((dt.date(last.year - 2, 7, 1), last)).run()
    flows = next(c for c in charts(at) if c["layout"]["title"]["text"].startswith(
        t("con_flows_title", "kk", start="", end="").split(",")[0]))

    def hue(colour: str) -> float:
        return round(colorsys.rgb_to_hls(*(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0], 2)

    families: dict[str, set[float]] = {}
    for trace in flows["data"]:
        families.setdefault(trace["legendgroup"], set()).add(hue(trace["marker"]["color"]))
    with_reasons = [g for g in families if sum(tr["legendgroup"] == g for tr in flows["data"]) > 1]
    assert with_reasons, "no movement with several reasons in the period: this test proves nothing"
    assert all(len(hues) == 1 for hues in families.values())  # one hue per family
    assert len({next(iter(h)) for h in families.values()}) == len(families)  # a hue of its own for each
    sankey_chart = next(c for c in charts(at) if c["data"][0]["type"] == "sankey")
    nodes = sankey_chart["data"][0]["node"]["label"]
    assert all(re.search(r": \d[\d\u00a0]*$", label) for label in nodes)  # "Оқуда: 12"
    headings = [a["text"] for a in sankey_chart["layout"]["annotations"]]
    assert any(t("con_sankey_before", "kk") in h for h in headings)
    assert any(t("con_sankey_after", "kk") in h for h in headings)


def test_only_the_open_tab_runs_its_queries_and_draws_its_charts(published_demo: Home,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23 point 15: a tab nobody opened asks the data layer nothing and draws no chart; the open tab is
    kept in the address, so a link or a reload reopens it. Every query the page asks dashboards/data.py for
    (cached or not) is recorded, per tab opened."""
    asked = recording_queries(monkeypatch)
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    # the marts each tab alone reads (headcount: the periods and the census dates; funding shares the monthly
    # mart with the census series, so it is told apart by its charts)
    own = {"headcount": ("fct_contingent_periods", "fct_census_dates"), "movements": ("fct_contingent_movements",),
           "retention": ("fct_cohort_retention",), "mismatches": ("rpt_contingent_mismatches",)}
    drawn = {"headcount": 2, "movements": 2, "retention": 1, "funding": 1, "mismatches": 0}
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()  # Home, whose queries are not the page's
    asked.clear()
    at.switch_page("views/contingent.py").run()
    for code in TABS:
        if code != "headcount":
            asked.clear()
            open_tab(at, code, "en")
        for tab, tables in own.items():
            read = [s for s in asked if any(table in s for table in tables)]
            assert bool(read) == (tab == code), (code, tab, read)
        assert len(charts(at)) == drawn[code], code
        assert dict(at.query_params)["con_tab"] in ([code], code)

    # a closed tab keeps no widget state: the programme chosen on the retention tab is kept in the address
    program = open_tab(at, "retention", "en").selectbox(key="con_program").options[1]
    at.selectbox(key="con_program").set_value(program).run()
    program = at.selectbox(key="con_program").value
    assert program is not None
    assert open_tab(open_tab(at, "funding", "en"), "retention", "en").selectbox(key="con_program").value == program
    open_tab(at, "mismatches", "en")

    address = {k: v[0] if isinstance(v, list) else v for k, v in dict(at.query_params).items()}
    again = AppTest.from_file(APP, default_timeout=60)
    again.session_state["lang"] = "ru"  # another language: the same tab by its code
    for key, value in address.items():
        if key != "lang":
            again.query_params[key] = value
    again.run()  # Home
    asked.clear()
    again.switch_page("views/contingent.py").run()
    assert again.session_state["con_tab"] == t("con_tab_mismatches", "ru")
    assert not [s for s in asked if any(table in s for table in own["headcount"] + own["movements"])]
