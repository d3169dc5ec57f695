"""`make screenshots`: a screenshot of each dashboard page, served from the published demo
($REGISTRAR_HOME), in Debian's Chromium at 1,280 px, for the README and docs/*.md (docs/screenshots/).

    python -m tests.support.screenshots [--out docs/screenshots] [--lang en] [--role registrar]

With several languages or roles (`--lang kk ru --role all`), each pair gets its own folder,
`<out>/<lang>/<role>/`, holding every page that role may open: the set a reviewer looks through
before a release (`make screenshots-review` writes it under $REGISTRAR_HOME/screenshots).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from registrar.access.roles import PAGES as ROLE_PAGES
from registrar.access.roles import ROLES, may_open
from registrar.common.paths import PROJECT_DIR, Home
from tests.support.access import browser_sign_in
from tests.support.browser import VIEWPORT, browser_page, serve, wait_until_idle

# the pages in the menu's order; each page's address is its name
PAGES = list(ROLE_PAGES)


def a_student(home: Home, role: str = "registrar") -> str:
    """A student with grades and a few orders, to show the student page filled: within the demo
    dean's faculty (the first) or the demo advisor's advisees (the busiest advisor's) for those roles."""
    within = {"dean": "s.faculty_code = (select min(faculty_code) from main.dim_students)",
              "advisor": "s.advisor_id = (select advisor_id from main.dim_students where advisor_id is not null"
                         " group by advisor_id order by count(*) desc, advisor_id limit 1)"}.get(role, "true")
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        found = con.execute(
            "select m.student_id from main.fct_contingent_movements m "
            "join main.fct_student_terms t using (student_id) "
            f"join main.dim_students s using (student_id) where {within} "
            "group by m.student_id having count(distinct m.order_no) >= 3 order by m.student_id limit 1").fetchone()
    return found[0] if found else ""


def take(out: Path, lang: str, role: str = "registrar") -> list[Path]:
    home = Home.from_env()
    if not home.warehouse.exists():
        raise SystemExit(f"no published warehouse at {home.warehouse}: run `make demo` first")
    out.mkdir(parents=True, exist_ok=True)
    student = a_student(home, role)
    written = []
    with serve(home.root) as base, browser_page() as (page, seen):
        for url_path in [name for name in PAGES if may_open(role, name)]:
            name = url_path
            # Home is the default page: its address is the app's root ("/home" is no page)
            path = ("" if url_path == "home" else url_path) + (f"?student={student}" if url_path == "student"
                                                                and student else "")
            if not written:  # sign in once: the session cookie keeps this browser signed in for the rest
                browser_sign_in(page, base, role, home, url_path=path, lang=lang)
            else:
                page.goto(f"{base}/{path}{'&' if '?' in path else '?'}lang={lang}")
                page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=60_000)
            page.wait_for_timeout(2500)  # charts and tables finish drawing after the script ends
            # Streamlit scrolls inside its main block: grow the window to the content to capture all of it
            height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(int(height), 900), 6000)})
            page.wait_for_timeout(1500)
            wait_until_idle(page)
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            page.set_viewport_size(VIEWPORT)
            written.append(target)
            print(f"{target.relative_to(PROJECT_DIR) if target.is_relative_to(PROJECT_DIR) else target}")
        if seen.external_requests:
            print("requests that left this machine:", *seen.external_requests, sep="\n  ", file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the dashboard pages for the README and docs/")
    parser.add_argument("--out", default=str(PROJECT_DIR / "docs" / "screenshots"))
    parser.add_argument("--lang", nargs="+", default=["en"], choices=["kk", "ru", "en"])
    parser.add_argument("--role", nargs="+", default=["registrar"], choices=[*ROLES, "all"],
                        help="the demo user of each role signs in in turn (all: every role)")
    args = parser.parse_args(argv)
    roles = list(ROLES) if "all" in args.role else args.role
    pairs = [(lang, role) for lang in args.lang for role in roles]
    for lang, role in pairs:
        out = Path(args.out) if len(pairs) == 1 else Path(args.out) / lang / role
        take(out, lang, role)
    return 0


if __name__ == "__main__":
    sys.exit(main())
