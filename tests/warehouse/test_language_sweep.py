"""No English and no raw code on a Kazakh or Russian screen (issue 23 point 12): the registrar (and a
dean) open every page, every tab drawn, in kk and in ru on the shared demo, and everything the page
shows (tests/support/visible.py: markdown, labels, options, placeholders, metrics, buttons, table
headers and text cells, Plotly titles, axes, ticks, legends and hover texts) is searched for English
UI words and for snake_case tokens (a column, check, seed or code name leaking onto the page)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from extract.contract import ENTITIES
from registrar.access import audit
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.access import sign_in
from tests.support.students import Student
from tests.support.visible import format_problems, texts

pytestmark = [pytest.mark.xdist_group("dashboards")]
APP = str(PROJECT_DIR / "dashboards" / "app.py")

# Words of Streamlit's, Plotly's or pandas' own English, and English words of the pages' old labels.
ENGLISH = re.compile(
    r"Choose an option|Select all|No results|\bdd\.mm\.yyyy\b|\b(?:None|nan|NaN|NaT|null|True|False|Total|Count|"
    r"count|Rate|Faculty|Group|Groups|Students|Date|Month|Value|value|variable|index|Jan|Feb|Mar|Apr|May|Jun|Jul|"
    r"Aug|Sep|Oct|Nov|Dec|fail|warn|pass|error|warning)\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
# What may look like snake_case and is not code: the name of a file as it is saved (a download in the
# audit log keeps its file name: "att_debtors_table.xlsx"), and the names the AIS extract files must have
# (the Data refresh page lists them for the upload, and names the file of a defect: "blank_movements").
ALLOWED_SNAKE = re.compile(r"\b[a-z0-9_]+\.(?:xlsx|csv|pdf)\b|\b(?:"
                           + "|".join(sorted((e.name for e in ENTITIES), key=len, reverse=True)) + r")\b")
# The one column shown as recorded: the Data refresh page's check identifier, beside the translated "what it
# checks", is the name the registrar quotes to support and finds in dbt's logs and the CLI's quality report.
AS_RECORDED = ("check_identifier",)

PAGES = ["views/home.py", "views/attestation.py", "views/student.py", "views/contingent.py", "views/reports.py",
         "views/lists.py", "views/status.py"]


def hits(at: AppTest, page: str, language: str) -> list[str]:
    """Every English word or snake_case token the page shows, with where."""
    found = []
    recorded = tuple(f"column {t(key, language)!r}" for key in AS_RECORDED)
    for where, text in texts(at):
        if where.endswith(recorded):
            continue
        bare = ALLOWED_SNAKE.sub("", text)
        for match in [*ENGLISH.finditer(bare), *SNAKE.finditer(bare)]:
            found.append(f"{language} {page} {where}: {match.group(0)!r} in {text[:120]!r}")
    return found + [f"{language} {page} {problem}" for problem in format_problems(at)]


# the pages whose tabs draw only when opened (issue 23 point 15): each tab is opened and swept
TAB_KEYS = {"views/attestation.py": "att_tab", "views/contingent.py": "con_tab"}


def sweep(at: AppTest, pages: list[str], language: str, student_id: str) -> list[str]:
    found: list[str] = []
    at.session_state["lang"] = language
    for page in pages:
        if page == "views/student.py":
            at.session_state["student_id"] = student_id
        at.switch_page(page).run()
        found += hits(at, page, language)
        labels = [tab.label for tab in at.tabs] if page in TAB_KEYS else []
        for label in labels[1:]:
            at.session_state[TAB_KEYS[page]] = label
            at.run()
            found += hits(at, f"{page} {label}", language)
        if labels:
            at.session_state[TAB_KEYS[page]] = labels[0]
        if page == "views/reports.py":  # every report's parameters
            for name in at.selectbox(key="report_name").options[1:]:
                at.selectbox(key="report_name").select(name).run()
                found += hits(at, f"{page} {name}", language)
    return found


def own_home(published: Home, tmp_path: Path) -> Home:
    """A copy of the shared demo's home whose audit log holds only what this test records: the entries a
    registrar's page writes (a table's download with its filters, an upload, a refresh), so the audit view
    is swept whatever other tests wrote before."""
    home = Home(tmp_path / "home")
    shutil.copytree(published.root, home.root, ignore=shutil.ignore_patterns("audit*.jsonl", "*.lock"))
    audit.record("download", "demo-registrar", "att_weak_group.xlsx", home=home, file="att_weak_group.xlsx",
                 title=t("att_weakest_groups", "en"), rows=3, filters={t("att_year", "kk"): "2025-2026"})
    audit.record("upload", "demo-registrar", "u1", home=home, files=[{"name": "students.csv", "bytes": 1200}],
                 outcome="checked", defects=0, warnings=1)
    audit.record("refresh_started", "demo-registrar", "u1", home=home, extract_dir="/srv/u1", accept_drop=False)
    audit.record("session_revoked", "demo-dean", home=home, reason="left", sessions=1, by="root", source="cli")
    return home


@pytest.mark.usefixtures("dashboard_as_registrar")
def test_kazakh_and_russian_pages_show_no_english_and_no_code_to_the_registrar(
        published_demo: Home, known: Student, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(own_home(published_demo, tmp_path).root))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    found = [hit for language in ("kk", "ru") for hit in sweep(at, PAGES, language, known.student_id)]
    assert not found, f"{len(found)} English words or code names on kk/ru pages:\n" + "\n".join(
        dict.fromkeys(found))


def test_kazakh_and_russian_pages_show_no_english_and_no_code_to_a_dean(
        published_demo: Home, known: Student, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRAR_HOME", str(published_demo.root))
    at = sign_in(AppTest.from_file(APP, default_timeout=120), "dean", published_demo)
    pages = ["views/home.py", "views/attestation.py", "views/contingent.py"]
    found = [hit for language in ("kk", "ru") for hit in sweep(at, pages, language, known.student_id)]
    assert not found, f"{len(found)} English words or code names on kk/ru pages:\n" + "\n".join(
        dict.fromkeys(found))
