"""A student's documents from the dashboards (issue 23 point 9), on the published mini university:
the Reports page finds its student by the Student page's search and words every refusal for a
person (no command-line option such as `--student` on the page); the Student card carries
Transcript and Certificate buttons for the registrar, which make the PDF by the one runner and
write the download in the audit log, and none for a role that may not make reports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.access import events, now_iso, sign_in
from tests.support.apptest import rendered

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dashboards")]

APP = str(PROJECT_DIR / "dashboards" / "app.py")
ACTIVE, EXPELLED = "S0001", "S0003"  # Ахметов Нұрлан (active), Ли Дмитрий (expelled): tests/fixtures/mini


@pytest.fixture
def home(published_mini: Home, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("REGISTRAR_HOME", str(published_mini.root))
    return published_mini


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The media manager of each AppTest run, kept (AppTest makes one per run and drops it after)."""
    from streamlit.testing.v1 import app_test

    made: list[Any] = []

    class Kept(app_test.MediaFileManager):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Kept)
    return made


def _click(at: AppTest, media: list[Any], key: str) -> bytes:
    """What the server sends on a click of the download button `key`: its deferred file, built now by
    the last run's media manager (AppTest cannot click a download button)."""
    manager = media[-1]
    before = set(manager._storage._files_by_id)
    manager.execute_deferred(at.download_button(key=key).proto.deferred_file_id)
    (made,) = [f for k, f in manager._storage._files_by_id.items() if k not in before]
    return made.content


def _doc_buttons(at: AppTest) -> dict[str, str]:
    """The Student card's document buttons: key → label."""
    return {b.key: b.label for b in at.get("download_button") if b.key and b.key.startswith("stu_doc_")}


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _errors(at: AppTest) -> list[str]:
    return [rendered(e.value) for e in at.error]


def _reports(language: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = language
    at.run()
    at.switch_page("views/reports.py").run()
    return at


@pytest.mark.usefixtures("dashboard_as_registrar")
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_reports_page_finds_the_student_by_name_and_words_refusals_for_a_person(home: Home, language: str) -> None:
    at = _reports(language)
    at.selectbox(key="report_name").select("transcript").run()
    at.button(key="report_make").click().run()  # no student chosen yet: said before the report is asked for
    assert _errors(at) == [t("reports_err_missing_student", language)]
    at.text_input(key="report_transcript_student").input("ахмет").run()  # a fragment of the surname
    assert at.selectbox(key="report_transcript_student_pick").value == ACTIVE
    at.button(key="report_make").click().run()
    assert not at.error
    assert len(at.get("download_button")) == 3  # XLSX, PDF, CSV of the transcript of S0001
    assert ACTIVE in at.session_state["report_made"][1]["pdf"].file_name

    # the certificate of an expelled student: the reports' refusal, as it is (no option in it)
    at.selectbox(key="report_name").select("enrolment_certificate").run()
    at.text_input(key="report_enrolment_certificate_student").input("Ли").run()
    at.selectbox(key="report_enrolment_certificate_student_pick").set_value(EXPELLED).run()
    at.button(key="report_make").click().run()
    assert len(_errors(at)) == 1 and EXPELLED in _errors(at)[0] and not at.get("download_button")

    # a period that ends before it starts, and one with a single date, in a list of the period
    at.selectbox(key="report_name").select("movement_register").run()
    at.date_input(key="report_movement_register_period_from").set_value(dt.date(2025, 9, 1)).run()
    at.button(key="report_make").click().run()
    assert _errors(at) == [t("reports_err_period_half", language)]
    at.date_input(key="report_movement_register_period_to").set_value(dt.date(2025, 1, 1)).run()
    at.button(key="report_make").click().run()
    assert _errors(at) == [t("reports_err_period_order", language, start="01.09.2025", end="01.01.2025")]

    # a refusal of the reports themselves (3-НК on a day that is no census date) names the field
    at.selectbox(key="report_name").select("stat_form_3nk").run()
    at.date_input(key="report_stat_form_3nk_as_of").set_value(dt.date(2025, 3, 3)).run()
    at.button(key="report_make").click().run()
    shown = _errors(at)
    assert len(shown) == 1 and t("reports_as_of", language) in shown[0] and "03.03.2025" in shown[0], shown
    assert not [e for e in shown if "--" in e]


@pytest.mark.usefixtures("dashboard_as_registrar")
def test_student_card_makes_the_transcript_and_certificate_for_the_registrar(home: Home, media: list[Any]) -> None:
    since = now_iso()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "ru"
    at.session_state["student_id"] = ACTIVE
    at.run()
    at.switch_page("views/student.py").run()
    assert _doc_buttons(at) == {"stu_doc_transcript": t("stu_doc_transcript", "ru"),
                                "stu_doc_enrolment_certificate": t("stu_doc_certificate", "ru")}
    assert not [e for e in events(home, since) if e["event"] == "download"]  # nothing made before a click
    text = _pdf_text(_click(at, media, "stu_doc_transcript"))
    assert "Ахметов" in text and t("transcript_title", "ru") in text
    text = _pdf_text(_click(at, media, "stu_doc_enrolment_certificate"))
    assert "Ахметов" in text and t("certificate_title", "ru") in text
    downloads = [(e["what"], e["user"], e["params"]["student"], e["params"]["file"])
                 for e in events(home, since) if e["event"] == "download"]
    assert [d[:3] for d in downloads] == [("report:transcript", "demo-registrar", ACTIVE),
                                          ("report:enrolment_certificate", "demo-registrar", ACTIVE)]
    assert downloads[0][3].startswith(f"transcript_{ACTIVE}_") and downloads[0][3].endswith(".pdf")

    # an expelled student: the certificate says why it is not issued, the transcript is still there
    at.session_state["student_id"] = EXPELLED
    at.switch_page("views/student.py").run()
    assert list(_doc_buttons(at)) == ["stu_doc_transcript"]
    assert any(t("stu_doc_certificate", "ru") in rendered(c.value) and EXPELLED in rendered(c.value)
               for c in at.caption)


def test_a_role_without_reports_gets_no_document_buttons(home: Home) -> None:
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "dean", home)
    at.session_state["student_id"] = ACTIVE
    at.switch_page("views/student.py").run()
    assert any(ACTIVE in h.value for h in at.subheader)  # the dean sees the student's card...
    assert not _doc_buttons(at)  # ...but may not make reports, so no document of it
