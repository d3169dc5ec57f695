"""The real dashboards server and Debian's Chromium (Playwright), for the browser tests and
`make screenshots`: start `registrar serve` on a free port, open pages, and record what
a user would notice: errors in the console, requests that leave this machine, and
accessibility violations (axe-core, shipped in the axe-core-python package)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from registrar.common.paths import PROJECT_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
VIEWPORT = {"width": 1280, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(home: Path) -> Iterator[str]:
    """`registrar serve` on `home`'s published warehouse; yields the base URL."""
    port = free_port()
    env = {**os.environ, "REGISTRAR_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "registrar.cli", "serve", "--port", str(port)], env=env,
                            cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


@dataclass
class Seen:
    """What the browser saw besides the page: console errors and requests off this machine."""

    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


@contextmanager
def browser_page(viewport: dict[str, int] | None = None) -> Iterator[tuple[Any, Seen]]:
    """A fresh Chromium page that records console errors and every request leaving localhost."""
    from playwright.sync_api import sync_playwright

    seen = Seen()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport or VIEWPORT, accept_downloads=True)
            page.on("console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen.console_errors.append(str(e)))

            def check(request: Any) -> None:
                url = urlparse(request.url)
                if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
                    seen.external_requests.append(request.url)

            page.on("request", check)
            yield page, seen
        finally:
            browser.close()


EXCEPTION_BLOCK = '[data-testid="stException"]'


def wait_until_idle(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (its status widget is gone), then fail
    if the page shows Streamlit's exception block: a page that raised may still draw a sidebar,
    a selectbox or a chart that a test waits for."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout_ms)
    assert_no_exception(page)


def assert_no_exception(page: Any) -> None:
    """Fail when Streamlit shows an exception on the page, with its text."""
    shown = page.locator(EXCEPTION_BLOCK)
    if shown.count():
        raise AssertionError(f"the page shows an exception: {shown.first.inner_text()[:2000]}")


def open_page(page: Any, base_url: str, url_path: str = "", lang: str = "kk", ready: str | None = None) -> None:
    """Open one dashboard page (`url_path` as in app.py's PAGES) in `lang` and wait for it.

    Enters at the root and follows the menu, as a user does: a page's own address typed in
    directly makes Streamlit probe `<page>/_stcore/health` first, two 404s in the console."""
    page.goto(f"{base_url}/?lang={lang}")
    wait_until_idle(page)
    if url_path not in ("", "home"):
        page.click(f'[data-testid="stSidebarNav"] a[href$="/{url_path}"]')
    if ready:
        page.wait_for_selector(f"{ready}, {EXCEPTION_BLOCK}", timeout=60_000)
    wait_until_idle(page)


def axe_violations(page: Any, impacts: tuple[str, ...] = ("critical",)) -> list[dict[str, Any]]:
    """axe-core's violations of the page as it is now, of the given impacts."""
    import axe_core_python

    script = Path(axe_core_python.__file__).with_name("axe.min.js")
    page.add_script_tag(path=str(script))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"])}
            for v in result["violations"] if v["impact"] in impacts]
