"""The registrar refreshes from the browser (rules C7), in one page session on a new data directory:
a ZIP with `../` names is refused; a file with a defect shows it (with its CSV download) and
publishes nothing; the mini university's files pass, the refresh runs in the background with its
progress, finishes, and Home shows the new refresh. Every upload and the refresh are audited."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from registrar.common.paths import Home
from tests.support.access import accounts, browser_sign_in, events, now_iso
from tests.support.extracts import MINI, edit_rows

pytestmark = pytest.mark.xdist_group("mini_refresh")

def _uploader(round_no: int) -> str:
    """The file input of the page's uploader in its `round_no`-th round ("Upload other files" starts a new one)."""
    return f'.st-key-upload_files_{round_no} [data-testid="stFileUploaderDropzoneInput"]'

REFRESH_SECONDS = 600  # a dbt build of the mini university on a busy two-core machine takes 1-3 minutes


def _button(page: object, key: str) -> object:
    return page.locator(f".st-key-{key} button")  # type: ignore[attr-defined]


def test_the_registrar_uploads_checks_and_refreshes_in_the_browser(published_mini: Home, tmp_path: Path) -> None:
    from tests.support.browser import browser_page, serve, wait_until_idle

    home = Home(tmp_path / "home")
    home.ensure()
    shutil.copy(published_mini.dbt_parse_cache, home.dbt_parse_cache)  # as after an install's first refresh
    accounts(home)
    bad_zip = tmp_path / "export.zip"
    with zipfile.ZipFile(bad_zip, "w") as archive:
        archive.writestr("../students.csv", (MINI / "students.csv").read_bytes())
    spoiled = tmp_path / "spoiled"
    shutil.copytree(MINI, spoiled)
    edit_rows(spoiled / "grades.csv", lambda rows: [{**rows[0], "exam": "abc"}, *rows[1:]])
    since = now_iso()

    with serve(home.root) as url, browser_page() as (page, seen):
        browser_sign_in(page, url, "registrar", home, lang="en")
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Data refresh").click()
        page.wait_for_selector(_uploader(0), state="attached", timeout=60_000)
        wait_until_idle(page)
        page.set_input_files(_uploader(0), str(bad_zip))
        page.get_by_text("The upload was refused").wait_for(timeout=60_000)
        assert "unsafe path (../students.csv" in page.inner_text("body")

        _button(page, "upload_again").click()
        page.wait_for_selector(_uploader(1), state="attached", timeout=60_000)
        wait_until_idle(page)
        page.set_input_files(_uploader(1), [str(p) for p in sorted(spoiled.iterdir())])
        page.get_by_text("nothing can be published from them").wait_for(timeout=120_000)
        wait_until_idle(page)
        with page.expect_download() as download:
            _button(page, "upload_defects_csv").click()
        listed = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "grades.csv,2,exam,abc," in listed, listed
        assert _button(page, "refresh_start").count() == 0 and not home.warehouse.exists()

        _button(page, "upload_again").click()
        page.wait_for_selector(_uploader(2), state="attached", timeout=60_000)
        wait_until_idle(page)
        page.set_input_files(_uploader(2), [str(p) for p in sorted(MINI.iterdir())])
        page.get_by_text("every rule of the extracts passes").wait_for(timeout=120_000)
        _button(page, "refresh_start").click()
        shown: list[str] = []
        deadline = time.monotonic() + REFRESH_SECONDS
        while time.monotonic() < deadline and "published run" not in (shown or [""])[-1]:
            page.wait_for_timeout(1000)
            shown.append(page.inner_text("body"))
        assert "published run" in shown[-1], shown[-1][:3000]
        assert any("A refresh started by demo-registrar" in s for s in shown)
        assert any("nodes done" in s for s in shown), "dbt's progress was never shown"
        wait_until_idle(page)

        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Home").click()
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        wait_until_idle(page)
        assert f"{dt.date.today():%d.%m.%Y}" in page.locator('[data-testid="stMetric"]').first.inner_text()
        assert not seen.external_requests and not seen.console_errors, seen

    assert home.warehouse.exists()
    logged = [(e["event"], e["params"].get("outcome"), e["user"]) for e in events(home, since)
              if e["event"] in ("upload", "refresh_started", "refresh_finished")]
    assert logged == [("upload", "refused", "demo-registrar"), ("upload", "defects", "demo-registrar"),
                      ("upload", "checked", "demo-registrar"), ("refresh_started", None, "demo-registrar"),
                      ("refresh_finished", "published", "demo-registrar")]
    assert not list((home.root / "uploads").glob("*/check")), "a check's scratch database was left behind"
