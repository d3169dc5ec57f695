"""The Data refresh page's upload and background refresh (rules C7), in Streamlit's AppTest on a copy
of the published mini university: only the registrar sees the upload; a refused ZIP and a file with
a defect are shown and offer no refresh; clean files offer it and the start is audited; a running
refresh shows its progress; a held build offers "Publish anyway" after a confirm. The refresh
itself runs in tests/browser/test_upload.py."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from registrar.access import audit
from registrar.common.i18n import t
from registrar.common.paths import PROJECT_DIR, Home
from registrar.pipeline import background, history, upload
from registrar.pipeline.lock import refresh_lock
from registrar.pipeline.refresh import HELD_META, RefreshStatus
from tests.support.access import accounts, signed_in
from tests.support.apptest import number, rendered
from tests.support.extracts import MINI

pytestmark = pytest.mark.xdist_group("mini_refresh")
APP = str(PROJECT_DIR / "dashboards" / "app.py")


@pytest.fixture
def home(published_mini: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    copied = Home(tmp_path / "home")
    shutil.copytree(published_mini.root, copied.root, symlinks=True)
    monkeypatch.setenv("REGISTRAR_HOME", str(copied.root))
    return copied


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """The page's launches of a background refresh, recorded instead of run."""
    made: list[dict[str, object]] = []

    def start(home: Home, extract_dir: Path, user: str, accept_drop: bool = False) -> int:
        made.append({"extract_dir": extract_dir, "user": user, "accept_drop": accept_drop})
        return 4242

    monkeypatch.setattr(background, "start", start)
    return made


def status_page(home: Home, role: str) -> AppTest:
    at = signed_in(AppTest.from_file(APP, default_timeout=60), role, home).run()
    at.switch_page("views/status.py").run()
    return at


def texts(at: AppTest) -> str:
    shown = (at.info, at.success, at.warning, at.error, at.caption)
    return "\n".join(rendered(e.value) for kind in shown for e in kind)


def mini_files() -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), "text/csv") for p in sorted(MINI.glob("*.csv"))]


@pytest.mark.parametrize("role", ["dean", "viewer", "management", "advisor"])
def test_no_other_role_sees_the_upload_or_the_refresh_buttons(home: Home, role: str) -> None:
    at = status_page(home, role)
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.key and b.key.startswith(("refresh_", "publish_anyway", "upload_"))]
    assert "upload_heading" not in texts(at) and not [h for h in at.subheader if "extract files" in h.value]


def test_the_registrar_sees_a_refused_zip_then_defects_then_starts_clean_files(
        home: Home, launches: list[dict[str, object]]) -> None:
    at = status_page(home, "registrar")
    at.sidebar.selectbox[0].set_value("en").run()
    uploader, = at.get("file_uploader")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("../students.csv", b"student_id\n")
    uploader.set_value(("export.zip", out.getvalue(), "application/zip")).run()
    refused = rendered(at.error[0].value)
    assert "The upload was refused" in refused and "unsafe path (../students.csv" in refused
    assert not [b for b in at.button if b.key == "refresh_start"]

    at.button(key="upload_again").click().run()  # a new, empty uploader
    spoiled = [(n, d.replace(b",80,", b",abc,", 1) if n == "grades.csv" else d, m) for n, d, m in mini_files()]
    assert spoiled != mini_files()
    at.get("file_uploader")[0].set_value(spoiled).run()
    assert "nothing can be published" in texts(at)
    defects = at.dataframe[0].value
    assert list(defects.columns[:5]) == ["File", "Row", "Column", "Value", "Rule"]
    row = defects[defects["Value"] == "abc"].iloc[0]
    assert (row["File"], row["Column"]) == ("grades.csv", "exam")
    assert len(at.get("download_button")) == 2  # XLSX and CSV of the defects, by the one exporter
    assert not [b for b in at.button if b.key == "refresh_start"] and not launches

    at.button(key="upload_again").click().run()
    at.get("file_uploader")[0].set_value(mini_files()).run()
    assert "every rule of the extracts passes" in texts(at)
    at.button(key="refresh_start").click().run()
    assert len(launches) == 1 and launches[0]["accept_drop"] is False
    landed = Path(str(launches[0]["extract_dir"]))
    assert landed.parent.parent == home.root / "uploads" and (landed / "students.csv").read_bytes() == \
        (MINI / "students.csv").read_bytes()
    user = accounts(home)["registrar"][0].name
    logged = [(e["event"], e["params"].get("outcome")) for e in reversed(audit.read(home, limit=None))
              if e["event"] in ("upload", "refresh_started") and e["user"] == user]
    assert logged == [("upload", "refused"), ("upload", "defects"), ("upload", "checked"), ("refresh_started", None)]


def test_a_running_refresh_shows_who_started_it_its_step_and_dbt_s_nodes(home: Home) -> None:
    with refresh_lock(home.lock, by="a.registrar"):
        at = status_page(home, "registrar")  # the lock is held, no status of its own yet (or a rollback)
        at.sidebar.selectbox[0].set_value("en").run()
        assert "A refresh started by a.registrar at" in texts(at) and "is running" in texts(at)
        status = RefreshStatus(home, "a.registrar", MINI, lambda _m: None)
        status("[2/4] dbt build (models and tests) …")
        status("  dbt: 57 of 517 nodes done")
        at.run()
        shown = texts(at)
        assert "A refresh started by a.registrar" in shown and "Step 2 of 4: dbt build" in shown
        assert at.get("progress") and "57 of 517 nodes done" in str(at.get("progress")[0].proto)


def test_a_held_build_shows_each_figure_and_publishes_anyway_after_a_confirm(
        home: Home, launches: list[dict[str, object]], tmp_path: Path) -> None:
    published = history.current_record(home)
    assert published is not None
    extracts = tmp_path / "held_extracts"
    extracts.mkdir()
    home.held.mkdir()
    after = {**published.figures, "students": published.figures["students"] - 2}
    (home.held / HELD_META).write_text(json.dumps({"record": {"extract_dir": str(extracts)}, "figures": after}))
    last = json.loads(home.last_refresh.read_text())
    home.last_refresh.write_text(json.dumps({**last, "outcome": "held", "run_id": "HELD"}))

    dean = status_page(home, "dean")
    assert not [b for b in dean.button if b.key and b.key.startswith("publish_anyway")]
    at = status_page(home, "registrar")
    at.sidebar.selectbox[0].set_value("en").run()
    figures = next(d.value for d in at.dataframe if "Figure" in d.value.columns)
    students = figures[figures["Figure"] == "Students"].iloc[0]
    assert (number(students["Published now"], "en"), number(students["This refresh"], "en"),
            students["Fell past the guard"]) == (published.figures["students"], published.figures["students"] - 2, "✗")
    at.button(key="publish_anyway").click().run()
    assert not launches and "Publish the held build" in texts(at)  # asked to confirm first
    at.button(key="publish_anyway_yes").click().run()
    assert launches == [{"extract_dir": extracts, "user": accounts(home)["registrar"][0].name, "accept_drop": True}]
    started = audit.read(home, events=["refresh_started"])[0]
    assert started["params"]["accept_drop"] is True



@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_uploader_s_own_words_are_in_the_chosen_language(home: Home, lang: str) -> None:
    """Issue 23 point 12: Streamlit writes the uploader's button and size line in English only; the page's
    style sheet puts this language's words (and the upload limits of the settings) in their place."""
    at = status_page(home, "registrar")
    at.sidebar.selectbox[0].set_value(lang).run()
    sheets = " ".join(h.proto.body for h in at.get("html"))
    limits = upload.Limits.from_settings()
    assert f'content: "{t("upload_button", lang)}"' in sheets, sheets
    assert t("upload_instructions", lang, mb=limits.megabytes, types="CSV, XLSX, ZIP") in sheets
