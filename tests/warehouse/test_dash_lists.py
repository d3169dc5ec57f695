"""The Lists page (issue 18) per role on the shared demo: the registrar sees every row, a dean the
students of their faculty (the faculty chosen for them), an advisor their advisees, management every
row with ids and names masked, and a viewer has no such page. Rows are checked against the marts."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from registrar.access.users import User
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from registrar.reports import catalog, params
from tests.support.access import accounts, signed_in

pytestmark = pytest.mark.xdist_group("dashboards")

APP = str(PROJECT_DIR / "dashboards" / "app.py")
ID = t("lists_student_id", "en")
NAME = t("lists_full_name", "en")


@pytest.fixture
def home(published_demo: Home, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    accounts(published_demo)
    return published_demo


def away_on_last_day(home: Home, where: str = "true", args: list[object] | None = None) -> set[str]:
    """Students on leave or mobility on the data's last day, by the status history (independent SQL)."""
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        last = params.data_span(con)[1]
        return {r[0] for r in con.execute(f"""
            select h.student_id from main.fct_student_status_history h
            join reference.contingent_statuses s on h.status = s.status
            join main.dim_students v on h.student_id = v.student_id
            where s.is_enrolled and not s.is_studying and h.valid_from <= ? and (h.valid_to is null or h.valid_to > ?)
              and {where}""", [last, last, *(args or [])]).fetchall()}  # noqa: S608


def open_list(home: Home, role: str, report: str = "leave_and_mobility") -> AppTest:
    at = signed_in(AppTest.from_file(APP, default_timeout=90), role, home)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("views/lists.py").run()
    at.selectbox(key="lists_name").select(report).run()
    at.button(key="lists_show").click().run()
    assert not at.error, [e.value for e in at.error]
    return at


def user(home: Home, role: str) -> User:
    return accounts(home)[role][0]


def test_the_registrar_sees_every_list_and_every_row(home: Home) -> None:
    at = open_list(home, "registrar")
    titles = {t(catalog.get(n).title_key, "en") for n in ("recognition_issues", "plan_gaps", "summer_term",
                                                          "leave_and_mobility")}
    assert set(at.selectbox(key="lists_name").options) >= titles
    assert set(at.dataframe[0].value[ID]) == away_on_last_day(home)
    assert len(at.get("download_button")) == 3  # xlsx, csv, pdf


def test_a_dean_sees_their_faculty_only(home: Home) -> None:
    dean = user(home, "dean")
    at = open_list(home, "dean")
    faculties = at.selectbox(key="lists_leave_and_mobility_faculty").options
    assert [o.split(" — ")[0] for o in faculties] == list(dean.faculties)
    marks = ",".join("?" * len(dean.faculties))
    expected = away_on_last_day(home, f"v.faculty_code in ({marks})", list(dean.faculties))
    assert set(at.dataframe[0].value[ID]) == expected and expected
    # a list by faculty that takes no faculty parameter: only the dean's rows
    at.selectbox(key="lists_name").select("summer_term").run()
    at.button(key="lists_show").click().run()
    assert set(at.dataframe[0].value[t("lists_code_of_faculty", "en")]) == set(dean.faculties)


def test_an_advisor_sees_their_advisees_only(home: Home) -> None:
    advisor = user(home, "advisor")
    at = open_list(home, "advisor", "plan_gaps")
    shown = set(at.dataframe[0].value[ID])
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        advisees = {r[0] for r in con.execute("select student_id from main.dim_students where advisor_id = ?",
                                              [advisor.advisor_id]).fetchall()}
    assert shown and shown <= advisees


def test_management_sees_the_rows_with_names_masked(home: Home) -> None:
    at = open_list(home, "management")
    shown = at.dataframe[0].value
    assert len(shown) == len(away_on_last_day(home))
    assert set(shown[ID]) == {"***"} and set(shown[NAME]) == {"***"}


def test_a_viewer_has_no_lists_page(home: Home) -> None:
    at = signed_in(AppTest.from_file(APP, default_timeout=60), "viewer", home)
    at.run()
    with pytest.raises(ValueError, match="lists"):
        at.switch_page("views/lists.py")
