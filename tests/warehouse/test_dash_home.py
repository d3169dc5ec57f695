"""The Home page on the small demo: its numbers are the marts' in each language, and in the
browser Home, Reports and Data refresh render offline, without console errors or critical
accessibility violations."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.ui import fmt_int
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home

pytestmark = [pytest.mark.xdist_group("dashboards"), pytest.mark.usefixtures("dashboard_as_registrar")]
APP = str(PROJECT_DIR / "dashboards" / "app.py")


def expected(home: Home) -> dict[str, int]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        students, studying = con.execute(
            "select count(*), count(*) filter (where st.is_studying) from main.dim_students s "
            "join reference.contingent_statuses st on st.status = s.status").fetchone()
        terms, faculties = con.execute(
            "select (select count(distinct academic_year || '/' || term) from main.fct_attestation_results), "
            "(select count(distinct faculty_code) from main.dim_students)").fetchone()
    return {"home_students": students, "home_studying": studying, "home_terms": terms, "home_faculties": faculties}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_shows_what_the_warehouse_holds(published_demo: Home, monkeypatch: pytest.MonkeyPatch,
                                             lang: str) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    for key, value in expected(published_demo).items():
        assert shown[t(key, lang)] == fmt_int(value, lang), key
    assert shown[t("checks_passed", lang)] != "0"
    assert t("home_pages", lang) in [s.value for s in at.subheader]




def _with_an_earlier_run(published_demo: Home, tmp_path, earlier: str) -> Home:
    """A copy of the demo home whose history holds a run before the served one, its export ending on
    `earlier` (the record is what Home reads of it: the extract date)."""
    import json
    import shutil

    from registrar.pipeline import history

    home = Home(tmp_path / "home")
    shutil.copytree(published_demo.root, home.root, symlinks=True)
    current = history.current_record(home)
    assert current is not None
    folder = home.published / "20000101T000000-older"  # sorts before the served run: the previous one
    shutil.copytree(home.published / current.run_id, folder)
    record = json.loads((folder / history.RECORD).read_text(encoding="utf-8"))
    record.update(run_id=folder.name, figures={**record.get("figures", {}), "extract_date": earlier})
    (folder / history.RECORD).write_text(json.dumps(record), encoding="utf-8")
    return home


def test_home_is_each_role_s_landing(published_demo: Home, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Issue 23, point 10: what changed since the previous refresh (within the user's scope), what needs
    the role's attention with a link, and an advisor's own advisees."""
    from tests.support.access import accounts, signed_in
    from tests.support.apptest import number

    with duckdb.connect(str(published_demo.warehouse), read_only=True) as con:
        now = con.execute("select max(extract_date) from meta.refresh").fetchone()[0]
        earlier = con.execute("select max(order_date) - interval 60 day from main.fct_contingent_movements") \
            .fetchone()[0].date()
    home = _with_an_earlier_run(published_demo, tmp_path, earlier.isoformat())
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    users = accounts(home)
    dean_faculties = users["dean"][0].faculties
    advisor_id = users["advisor"][0].advisor_id
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        marks = ",".join("?" * len(dean_faculties))
        dean_orders = con.execute(
            "select count(*) from main.fct_contingent_movements where order_date > ? and "
            f"coalesce(faculty_code_after, faculty_code_before) in ({marks})", [earlier, *dean_faculties]).fetchone()[0]
        all_orders = con.execute("select count(*) from main.fct_contingent_movements where order_date > ?",
                                 [earlier]).fetchone()[0]
        dean_results = con.execute(
            "select count(*) from main.fct_grades g join main.dim_students s using (student_id) "
            f"where g.graded_on > ? and s.faculty_code in ({marks})", [earlier, *dean_faculties]).fetchone()[0]
        dean_owing = con.execute(f"select count(distinct student_id) from main.rpt_academic_debtors "
                                 f"where faculty_code in ({marks})", list(dean_faculties)).fetchone()[0]
        headcount, headcount_then = (con.execute(
            "select count(*) filter (where counts_in_headcount) from main.fct_contingent_periods where ? between "
            f"valid_from and valid_to_inclusive and faculty_code in ({marks})", [day, *dean_faculties]).fetchone()[0]
            for day in (now, earlier))
        # the latest regular semester with grade sheets (the summer term is a retake session)
        late_year, late_label = con.execute(
            "select r.academic_year, d.label_kk from main.rpt_grade_sheet_timeliness r join main.dim_terms d "
            "on d.academic_year = r.academic_year and d.term = r.term where d.is_regular_semester "
            "order by r.term_seq desc limit 1").fetchone()
        advisees = {r[0]: r[1] for r in con.execute(
            "select s.student_id, count(d.student_id) from main.dim_students s left join main.rpt_academic_debtors d "
            "using (student_id) where s.advisor_id = ? and s.is_studying group by 1", [advisor_id]).fetchall()}
    assert dean_orders < all_orders  # the dean's figures are the faculty's, not everyone's

    dean = signed_in(AppTest.from_file(APP, default_timeout=60), "dean", home)
    dean.run()
    assert not dean.exception
    shown = {m.label: m.value for m in dean.metric}
    assert t("home_since_orders", "kk") in shown, ([c.value for c in dean.caption], shown)
    assert shown[t("home_since_orders", "kk")] == fmt_int(dean_orders, "kk")
    assert shown[t("home_since_results", "kk")] == fmt_int(dean_results, "kk")
    assert shown[t("home_since_headcount", "kk", date=f"{now:%d.%m.%Y}")] == fmt_int(headcount, "kk")
    # Streamlit points the arrow by the delta's first character: a fall must start with an ASCII minus
    delta = next(m.delta for m in dean.metric if m.label == t("home_since_headcount", "kk", date=f"{now:%d.%m.%Y}"))
    assert headcount != headcount_then and delta[0] == ("-" if headcount < headcount_then else "+"), delta
    text = " ".join(m.value for m in dean.markdown)
    assert t("home_attention_debtors", "kk", n=fmt_int(dean_owing, "kk"), date=f"{now:%d.%m.%Y}") in text
    late_line = t("home_attention_late", "kk", n="N", year=late_year, term=late_label)
    assert late_line.split("**N**")[0] in text, text  # the regular semester's label, never a raw term code

    advisor = signed_in(AppTest.from_file(APP, default_timeout=60), "advisor", home)
    advisor.run()
    assert not advisor.exception
    listed = [d.value for d in advisor.dataframe if t("home_col_owed", "kk") in d.value.columns]
    assert len(listed) == 1
    owed = [int(number(v, "kk")) for v in listed[0][t("home_col_owed", "kk")]]
    assert dict(zip(listed[0][t("home_col_student_id", "kk")], owed, strict=True)) == advisees
    assert owed == sorted(owed, reverse=True)  # those with debts first

    registrar = AppTest.from_file(APP, default_timeout=60)
    registrar.run()
    assert not registrar.exception
    text = " ".join(m.value for m in registrar.markdown)
    assert t("home_due_state_grants", "kk") in text and t("home_due_census", "kk") in text
