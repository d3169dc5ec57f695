"""Access control and privacy (issue 13, rules B30): the users file and `registrar user`, the
audit log, the throttling of failed sign-ins, small-cell suppression, the roles' scopes, and
the sign-in of the dashboards (AppTest and, once, the browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from registrar.access import throttle
from registrar.access.scope import Scope
from registrar.access.users import User, Users, demo_password
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.access import accounts, age_session, events, now_iso, sign_in

pytestmark = pytest.mark.xdist_group("dashboards")
APP = str(PROJECT_DIR / "dashboards" / "app.py")
VIEWS = PROJECT_DIR / "dashboards" / "views"


# the users file and `registrar user` ------------------------------------------------------------


# the audit log and the throttle ---------------------------------------------------------------------


# small cells -------------------------------------------------------------------------------------


# the dashboards ------------------------------------------------------------------------------------

@pytest.fixture
def home(published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> Home:
    """The shared demo, its demo users added."""
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    accounts(published_demo)
    return published_demo


def test_a_session_nobody_signed_in_to_sees_only_the_form(home: Home) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Sign in"]
    assert [w.label for w in at.text_input] == ["User name", "Password"]
    assert not at.metric and not at.dataframe and not at.get("page_link")
    with pytest.raises(ValueError, match="status"):  # only the sign-in page is registered: no address opens
        at.switch_page("views/status.py")           # another page


def test_a_wrong_password_is_refused_and_logged(home: Home) -> None:
    since = now_iso()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.text_input(key="auth_name").input("demo-management")
    at.text_input(key="auth_password").input("not-the-password")
    at.button(key="auth_submit").click().run()
    assert [e.value for e in at.error] == ["Wrong name or password."]
    assert [h.value for h in at.header] == ["Sign in"] and not at.metric
    failed = [e for e in events(home, since) if e["event"] == "sign_in_failed"]
    assert [(e["user"], e["params"]["failures"]) for e in failed] == [("demo-management", 1)]
    throttle.Throttle.of(home).succeeded("demo-management")


def test_a_dean_signs_in_to_their_pages_and_faculty_and_out_again(home: Home) -> None:
    since = now_iso()
    dean, _ = accounts(home)["dean"]
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "dean", home)
    assert at.session_state["_registrar_scope"] == Scope.for_role("dean", dean.faculties)
    links = {link.proto.page for link in at.get("page_link")}
    assert any("reports" in p for p in links) is False and any("attestation" in p for p in links)
    faculties = {m.label: m.value for m in at.metric}
    assert list(faculties.values())[5] == "1"  # Home's faculty count: the dean's one faculty
    with pytest.raises(ValueError, match="reports"):
        at.switch_page("views/reports.py")  # not in a dean's navigation: no address opens it
    at.switch_page("views/status.py").run()
    assert not any("Audit" in s.value or "аудит" in s.value.lower() for s in at.subheader)  # the registrar's only
    at.sidebar.button(key="auth_sign_out").click().run()
    assert "_registrar_scope" not in at.session_state and len(at.text_input) == 2
    assert [e["event"] for e in events(home, since)] == ["sign_in", "sign_out"]


def test_an_idle_session_expires(home: Home) -> None:
    since = now_iso()
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "viewer", home)
    age_session(at, home, 31 * 60)  # no action for 31 minutes; the setting: 30
    at.run()
    assert "_registrar_scope" not in at.session_state and len(at.text_input) == 2 and at.info
    assert [e["event"] for e in events(home, since)] == ["sign_in", "session_expired"]


def test_a_page_the_role_may_not_open_refuses_even_when_run_directly(home: Home) -> None:
    since = now_iso()
    dean, _ = accounts(home)["dean"]
    from dashboards.auth import ACCOUNT_KEY, Account

    at = AppTest.from_file(str(VIEWS / "reports.py"), default_timeout=60)
    at.session_state[ACCOUNT_KEY] = Account(dean.name, "dean", Scope.for_role("dean", dean.faculties), "password")
    at.run()
    assert at.error and not at.selectbox and not at.button
    assert [(e["event"], e["what"]) for e in events(home, since)] == [("page_refused", "reports")]
    nobody = AppTest.from_file(str(VIEWS / "reports.py"), default_timeout=60).run()
    assert nobody.error and not nobody.selectbox


def test_repeated_failures_lock_the_name_even_for_the_right_password(home: Home,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle.ThrottlePolicy, "configured",
                        classmethod(lambda cls: cls(slow_after=10, lock_after=2, lock_minutes=5)))
    since = now_iso()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    for password in ("wrong-one-1", "wrong-one-2", demo_password("viewer")):
        at.text_input(key="auth_name").input("demo-viewer")
        at.text_input(key="auth_password").input(password)
        at.button(key="auth_submit").click().run()
    assert "locked" in at.error[-1].value and "_registrar_scope" not in at.session_state
    assert [e["event"] for e in events(home, since)] == ["sign_in_failed", "sign_in_failed", "sign_in_locked"]
    throttle.Throttle.of(home).succeeded("demo-viewer")


def test_an_oidc_identity_signs_in_as_the_user_of_that_name(home: Home) -> None:
    if Users.of(home).get("dean.oidc@uni.example") is None:
        Users.of(home).add(User("dean.oidc@uni.example", "dean", ("AGR",)), None)  # signs in through OIDC only
    since = now_iso()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "registrar", "client_secret": "s",
                          "server_metadata_url": "http://localhost/.well-known/openid-configuration"}
    at.user = {"is_logged_in": True, "email": "Dean.OIDC@uni.example"}
    at.run()
    assert not at.exception
    assert at.session_state["_registrar_scope"] == Scope.for_role("dean", ("AGR",))
    stranger = AppTest.from_file(APP, default_timeout=60)
    stranger.secrets["auth"] = at.secrets["auth"]
    stranger.user = {"is_logged_in": True, "email": "someone@else.example"}
    stranger.run()
    assert "_registrar_scope" not in stranger.session_state and stranger.error
    assert [(e["event"], e["user"]) for e in events(home, since)] == [
        ("sign_in", "dean.oidc@uni.example"), ("sign_in_failed", "someone@else.example")]


def test_a_download_is_built_only_on_the_click_and_logged_then_with_what_and_its_filters(home: Home) -> None:
    """Issue 21 finding 5: drawing the page puts no file on the server (no `/media` address to pass
    round); the click, which the server answers by building the file, records one audit event."""

    def page() -> None:
        import pandas as pd
        import streamlit as st
        from streamlit.runtime import Runtime

        from dashboards.auth import ACCOUNT_KEY, Account
        from dashboards.ui import table
        from registrar.access.scope import Scope

        st.session_state[ACCOUNT_KEY] = Account("demo-registrar", "registrar", Scope(), "password")
        st.session_state["media"] = Runtime.instance().media_file_mgr  # the server's files (AppTest's runtime)
        table(pd.DataFrame({"student_id": ["S1", "S2"]}), {"student_id": "check_name"}, title_key="audit_heading",
              filters=[("Faculty", "ENG")], key="debtors")

    since = now_iso()
    at = AppTest.from_function(page, default_timeout=60).run()
    media = at.session_state["media"]
    button = at.download_button(key="debtors_xlsx").proto
    assert button.url == "" and button.deferred_file_id  # no file, only what to build on the click
    assert media._storage._files_by_id == {}  # no bytes of any download on the server
    assert [e for e in events(home, since) if e["event"] == "download"] == []
    url = media.execute_deferred(button.deferred_file_id)  # what the server does on the click
    (stored,) = media._storage._files_by_id.values()
    assert url.startswith("/mock/media/") and stored.content[:2] == b"PK"  # the XLSX, built now
    logged = [e for e in events(home, since) if e["event"] == "download"]
    assert len(logged) == 1 and logged[0]["what"] == "debtors.xlsx" and logged[0]["user"] == "demo-registrar"
    assert logged[0]["params"]["rows"] == 2 and logged[0]["params"]["filters"] == {"Faculty": "ENG"}
    assert logged[0]["params"]["file"] == "debtors.xlsx"


def test_the_registrar_reads_the_audit_log_on_the_data_page(home: Home) -> None:
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "registrar", home)
    at.switch_page("views/status.py").run()
    assert not at.exception
    shown = [d.value for d in at.dataframe]
    assert any("demo-registrar" in set(map(str, frame.iloc[:, 2])) for frame in shown if frame.shape[1] == 5)


def test_the_registrar_filters_the_audit_log_by_event_user_and_what(home: Home) -> None:
    from registrar.access import audit

    audit.record("student_view", "someone.else", "S-FILTER-1", home=home, page="student")
    audit.record("download", "someone.else", "debtors.xlsx", home=home, rows=3)
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "registrar", home)
    at.switch_page("views/status.py").run()
    at.text_input(key="audit_user").input("SOMEONE.else").run()
    assert not at.exception

    def shown() -> pd.DataFrame:
        return next(d.value for d in at.dataframe if d.value.shape[1] == 5)

    assert set(shown().iloc[:, 2]) == {"someone.else"} and len(shown()) >= 2
    at.multiselect(key="audit_events").select("student_view").run()
    assert set(shown().iloc[:, 3]) == {"S-FILTER-1"}
    at.text_input(key="audit_what").input("no-such-thing").run()
    assert not [d for d in at.dataframe if d.value.shape[1] == 5] and at.info


# per role, page by page: what the data layer returns ---------------------------------------------------

def faculty_codes(home: Home) -> list[str]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return [r[0] for r in con.execute("select faculty_code from main.dim_faculties order by 1").fetchall()]
    finally:
        con.close()


@pytest.fixture
def copied(published_demo: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """A copy of the demo with a contingent mismatch in each faculty (the demo has none), its users."""
    home = Home(tmp_path / "home")
    home.root.mkdir()
    shutil.copy(published_demo.warehouse, home.warehouse)
    con = duckdb.connect(str(home.warehouse))
    try:
        con.execute("insert into main.rpt_contingent_mismatches (student_id, full_name, faculty_code, program_code, "
                    "attribute, expected_value, actual_value) select min(student_id), min(full_name), faculty_code, "
                    "min(program_code), 'status', 'active', 'academic_leave' from main.dim_students group by all")
    finally:
        con.close()
    monkeypatch.setenv("REGISTRAR_HOME", str(home.root))
    accounts(home)
    return home


def contingent_results(scope: Scope) -> dict[str, pd.DataFrame]:
    """Every query of the Contingent page, as the page calls it, for `scope`."""
    from dashboards.queries import contingent as q

    span = q.bounds(Scope())
    last, first = span["last_month_end"], span["first_date"]
    found = {f"headcount_{d}": q.headcount_on(last, d, scope, "en") for d in q.DIMENSIONS}
    found |= {f"census_{d}": q.census_series(d, scope, "en") for d in ("faculty", "course")}
    found |= {"flows": q.flows(first, last, scope, "en"), "transitions": q.transitions(first, last, scope, "en"),
              "retention": q.retention(None, scope), "funding": q.funding_shares(scope, "en"),
              "mismatches": q.mismatches(scope, "en"), "faculties": q.faculties(scope, "en"),
              "programs": q.programs(scope, "en")}
    return found


COUNTS = {"headcount", "n_not_counted", "n_movements", "cohort_size", "n_retained", "n_left"}


def total(found: pd.DataFrame) -> float:
    """The students a result counts (its rows, for a list of students)."""
    counted = COUNTS & set(found.columns)
    return float(sum(pd.to_numeric(found[c]).sum() for c in counted)) if counted else float(len(found))


def test_a_dean_of_one_faculty_receives_nothing_of_another_on_the_contingent_page(copied: Home) -> None:
    codes = faculty_codes(copied)
    own, others = codes[0], codes[1:]
    everything = contingent_results(Scope.for_role("registrar"))
    dean = contingent_results(Scope.for_role("dean", [own]))
    rest = contingent_results(Scope.for_role("dean", others))
    assert set(dean["headcount_faculty"]["code"]) == {own} and set(dean["census_faculty"]["code"]) == {own}
    assert set(dean["faculties"]["faculty_code"]) == {own}
    assert dean["mismatches"]["faculty"].nunique() == 1 and len(dean["mismatches"]) == 1
    for name in ("headcount_course", "census_course", "flows", "transitions", "funding", "mismatches"):
        # the dean's numbers and the other faculties' add up to the university's: nothing of B is in A's
        assert total(dean[name]) > 0, name
        assert total(dean[name]) + total(rest[name]) == total(everything[name]), name
    assert total(dean["retention"]) < total(everything["retention"])


def test_management_receives_no_name_and_a_viewer_no_single_student_nor_a_small_cell(copied: Home) -> None:
    management = contingent_results(Scope.for_role("management"))
    assert len(management["mismatches"]) == len(faculty_codes(copied))
    assert set(management["mismatches"]["full_name"]) == {"***"}
    assert not any("iin" in c or "birth" in c for found in management.values() for c in found.columns)

    viewer = contingent_results(Scope.for_role("viewer"))
    assert viewer["mismatches"].empty
    minimum = Scope.for_role("viewer").min_cell
    hidden_somewhere = False
    for name, found in viewer.items():
        for column in COUNTS & set(found.columns):
            shown = pd.to_numeric(found[column]).dropna()
            assert ((shown == 0) | (shown >= minimum)).all(), (name, column)
            hidden_somewhere |= bool(found[column].isna().any())
    assert hidden_somewhere  # the demo has small cells, else this test proves nothing
    flows = viewer["flows"]
    months = flows.groupby("month")["suppressed"].agg(["sum", "size"])
    assert not ((months["sum"] == 1) & (months["size"] > 1)).any()  # no month with one hidden cell of several


def q_faculties(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    from dashboards.queries import contingent as q

    found = q.faculties(Scope(faculties=codes), "en")
    return list(zip(found["faculty_code"], found["name"], strict=True))


def test_each_role_opens_the_contingent_page_with_its_own_scope(copied: Home) -> None:
    codes = faculty_codes(copied)
    dean, _ = accounts(copied)["dean"]
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.session_state["lang"] = "en"
    at = sign_in(opened, "dean", copied)
    at.switch_page("views/contingent.py").run()
    assert not at.exception
    assert at.selectbox(key="con_faculty").options[1:] == [  # after "all faculties": the dean's one
        n for c, n in q_faculties(dean.faculties)]
    # the headcount by faculty: the dean's one (the page opens by programme for one faculty, issue 23 point 7;
    # only the open tab is drawn, issue 23 point 15, so no other tab's table holds a Faculty column)
    at.selectbox(key="con_dimension").set_value("faculty").run()
    by_faculty = next(d.value for d in at.dataframe if "Faculty" in d.value.columns)
    assert len(by_faculty) == 1 and set(codes) > set(dean.faculties)

    viewer = sign_in(AppTest.from_file(APP, default_timeout=60), "viewer", copied)
    viewer.switch_page("views/contingent.py").run()
    assert not viewer.exception
    keys = {b.key for b in viewer.get("download_button")}
    assert "con_mismatches_xlsx" not in keys and "con_headcount_xlsx" not in keys and "con_viewer_xlsx" in keys

    advisor = sign_in(AppTest.from_file(APP, default_timeout=60), "advisor", copied)
    with pytest.raises(ValueError, match="contingent"):  # not an advisor's page: its address runs a refusal
        advisor.switch_page("views/contingent.py")


def attestation_results(scope: Scope) -> dict[str, pd.DataFrame]:
    """Every query of the Attestation page for the latest session (and the faculties' lists), for `scope`."""
    from dashboards.queries import attestation as q

    filters = q.default_filters(Scope())
    assert filters is not None
    now = q.headline(scope, filters)["now"] or {}
    found = {"headline": pd.DataFrame([now]) if now else pd.DataFrame({"n_graded": []}),
             "letters": q.letters(scope, filters), "heatmap": q.heatmap(scope, filters, "en"),
             "disciplines": q.ranking(scope, filters, "discipline", "success", "en"),
             "teachers": q.ranking(scope, filters, "teacher", "quality", "en"),
             "trend": q.trend(scope, filters, "en"), "debtors": q.debtors(scope, filters, "en"),
             "final_by_programme": q.final_by_programme(scope, filters, "en"),
             "final_letters": q.final_letters(scope, filters), "final_results": q.final_results(scope, filters, "en"),
             "faculties": q.faculties(scope, "en"), "groups": q.options(scope, filters, "group", "en")}
    return found


ATTESTATION_COUNTS = {"n_graded", "n"}  # the students a cell rests on (a rate over 3 or more is shown)


def counted(found: pd.DataFrame) -> float:
    """The results a frame counts (its rows, for a list of students)."""
    for column in ("n_graded", "n"):
        if column in found.columns:
            return float(pd.to_numeric(found[column]).sum())
    return float(len(found))


def groups_of(home: Home, faculty: str) -> set[str]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return {r[0] for r in con.execute("select distinct group_code from main.fct_attestation_breakdown "
                                          "where faculty_code = ?", [faculty]).fetchall()}
    finally:
        con.close()


def test_a_dean_of_one_faculty_receives_nothing_of_another_on_the_attestation_page(copied: Home) -> None:
    codes = faculty_codes(copied)
    own, others = codes[0], codes[1:]
    everything = attestation_results(Scope.for_role("registrar"))
    dean = attestation_results(Scope.for_role("dean", [own]))
    rest = attestation_results(Scope.for_role("dean", others))
    assert set(dean["faculties"]["code"]) == {own}
    assert set(dean["groups"]["code"]) <= groups_of(copied, own)
    assert set(dean["heatmap"]["group_code"].dropna()) <= groups_of(copied, own)
    assert set(dean["debtors"]["group_code"].dropna()) <= groups_of(copied, own)
    for name in ("headline", "letters", "disciplines", "teachers", "trend", "debtors", "final_by_programme",
                 "final_letters", "final_results"):
        # the dean's and the other faculties' add up to the university's: nothing of another faculty is in it
        assert counted(dean[name]) + counted(rest[name]) == counted(everything[name]), name
    assert 0 < counted(dean["headline"]) < counted(everything["headline"])
    assert 0 < counted(dean["debtors"]) < counted(everything["debtors"])


def test_attestation_gives_management_no_name_and_a_viewer_no_student_nor_small_cell(copied: Home) -> None:
    management = attestation_results(Scope.for_role("management"))
    assert len(management["debtors"]) > 0 and set(management["debtors"]["full_name"]) == {"***"}
    assert set(management["final_results"]["full_name"]) <= {"***"}
    assert not any("iin" in c or "birth" in c for found in management.values() for c in found.columns)

    viewer = attestation_results(Scope.for_role("viewer"))
    assert viewer["debtors"].empty and viewer["final_results"].empty
    minimum = Scope.for_role("viewer").min_cell
    for name in ("letters", "heatmap", "disciplines", "teachers", "trend", "final_by_programme", "final_letters"):
        for column in ATTESTATION_COUNTS & set(viewer[name].columns):
            shown = pd.to_numeric(viewer[name][column]).dropna()
            assert ((shown == 0) | (shown >= minimum)).all(), (name, column)
    cells = viewer["heatmap"]
    assert cells["n_graded"].isna().any()  # the demo has small cells, else this proves nothing
    for margin in ("discipline_code", "group_code"):
        lines = cells.groupby(margin, dropna=False)["suppressed"].agg(["sum", "size"])
        assert not ((lines["sum"] == 1) & (lines["size"] > 1)).any(), margin


def test_lists_with_names_masked_come_in_the_order_of_the_student_ids(copied: Home) -> None:
    """Issue 21 finding 9: management's `***` rows do not give away the alphabetical order of the
    hidden names; the registrar's come by name."""
    management = attestation_results(Scope.for_role("management"))
    registrar = attestation_results(Scope.for_role("registrar"))
    for name in ("debtors", "final_results"):
        assert management[name]["student_id"].is_monotonic_increasing, name
        assert sorted(management[name]["student_id"]) == sorted(registrar[name]["student_id"]), name
    assert not registrar["debtors"]["student_id"].is_monotonic_increasing  # else this proves nothing
    mismatches = contingent_results(Scope.for_role("management"))["mismatches"]
    assert len(mismatches) > 1 and mismatches["student_id"].is_monotonic_increasing


def test_an_advisor_sees_only_their_advisees(copied: Home) -> None:
    from dashboards.queries import student as q

    advisor, _ = accounts(copied)["advisor"]
    con = duckdb.connect(str(copied.warehouse), read_only=True)
    try:
        mine = {r[0] for r in con.execute("select student_id from main.dim_students where advisor_id = ?",
                                          [advisor.advisor_id]).fetchall()}
        stranger = con.execute("select min(student_id) from main.dim_students where advisor_id <> ? "
                               "and faculty_code in (select faculty_code from main.dim_students where advisor_id = ?)",
                               [advisor.advisor_id, advisor.advisor_id]).fetchone()[0]
    finally:
        con.close()
    scope = Scope.for_role("advisor", faculty_codes(copied), advisor.advisor_id)
    assert set(q.search(scope, "2", "en", limit=10_000)["student_id"]) <= mine  # IDs beginning with 2
    assert q.card(scope, stranger, "en") is None
    assert q.orders(scope, stranger, "en").empty and q.transcript(scope, stranger, "en").empty
    one = sorted(mine)[0]
    assert q.card(scope, one, "en") is not None

    since = now_iso()
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "advisor", copied)
    at.session_state["student_id"] = stranger
    at.switch_page("views/student.py").run()
    assert not at.exception and not at.metric  # another advisor's student: "not found"
    at.session_state["student_id"] = one
    at.run()
    assert at.metric and one in " ".join(h.value for h in at.subheader)
    viewed = [e for e in events(copied, since) if e["event"] == "student_view"]
    assert [(e["user"], e["what"]) for e in viewed] == [(advisor.name, one)]


INJECTIONS = ["' or '1'='1", "'; drop table main.dim_students; --", "%", "_", "\\", "\" or 1=1 --",
              "1) or (1=1", "%' union select iin from main.dim_students --"]


def test_sql_injection_in_every_free_text_box_finds_nothing_outside_the_scope(copied: Home) -> None:
    from dashboards.queries import student as q

    codes = faculty_codes(copied)
    dean = Scope.for_role("dean", [codes[0]])
    con = duckdb.connect(str(copied.warehouse), read_only=True)
    try:
        own = {r[0] for r in con.execute("select student_id from main.dim_students where faculty_code = ?",
                                         [codes[0]]).fetchall()}
        before = con.execute("select count(*) from main.dim_students").fetchone()[0]
    finally:
        con.close()
    for text in INJECTIONS:  # the Student page's search box (names, IIN, ID)
        found = q.search(dean, text, "en", limit=10_000)
        assert set(found["student_id"]) <= own, text
        assert q.card(dean, text, "en") is None
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "dean", copied)
    at.switch_page("views/student.py").run()
    for text in INJECTIONS:
        at.text_input(key="stu_search").set_value(text).run()
        assert not at.exception, text
    registrar = sign_in(AppTest.from_file(APP, default_timeout=60), "registrar", copied)
    registrar.switch_page("views/reports.py").run()  # the Reports page's student box
    registrar.selectbox(key="report_name").select("transcript").run()
    for text in INJECTIONS[:3]:
        registrar.text_input(key="report_transcript_student").input(text).run()
        registrar.button(key="report_make").click().run()
        assert not registrar.exception and registrar.error, text
        assert not registrar.get("download_button")
    signin = AppTest.from_file(APP, default_timeout=60).run()  # and the sign-in form's name box
    for text in INJECTIONS[:2]:
        signin.text_input(key="auth_name").input(text)
        signin.text_input(key="auth_password").input("whatever-1")
        signin.button(key="auth_submit").click().run()
        assert not signin.exception and "_registrar_scope" not in signin.session_state
        throttle.Throttle.of(copied).succeeded(text)
    con = duckdb.connect(str(copied.warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from main.dim_students").fetchone()[0] == before
    finally:
        con.close()


def test_a_role_gets_no_download_it_may_not_have(copied: Home) -> None:
    viewer = sign_in(AppTest.from_file(APP, default_timeout=60), "viewer", copied)
    viewer.switch_page("views/attestation.py").run()
    assert not viewer.exception
    keys = {b.key for b in viewer.get("download_button")}
    assert keys and "att_debtors_table_xlsx" not in keys  # no debtor list: nothing to download
    student_id = t("att_col_student_id", "kk")
    assert all(d.value.empty for d in viewer.dataframe if student_id in d.value.columns)  # final results: no row
    management = sign_in(AppTest.from_file(APP, default_timeout=60), "management", copied)
    management.switch_page("views/attestation.py").run()
    assert not management.exception
    management.session_state["att_tab"] = t("att_tab_debtors", "kk")  # the debtors tab (issue 23 point 15)
    management.run()
    assert "att_debtors_table_xlsx" in {b.key for b in management.get("download_button")}
    assert "att_open_student" not in {b.key for b in management.button}  # management opens no student
    with pytest.raises(ValueError, match="student"):
        management.switch_page("views/student.py")  # its address runs only the refusal
    for role in ("management", "dean", "advisor", "viewer"):
        at = sign_in(AppTest.from_file(APP, default_timeout=60), role, copied)
        with pytest.raises(ValueError, match="reports"):
            at.switch_page("views/reports.py")
