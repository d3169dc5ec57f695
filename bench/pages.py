"""How long the dashboards take in a real browser, as a user waits for them: Chromium (Playwright,
Debian's /usr/bin/chromium) signed in as each role, clicking each page the role may open in the menu,
then each tab of the page and one or two of its filters, each timed from the click until the page has
settled (issue 23 point 15).

    python -m bench.pages [--repeat 3] [--json OUT] [--roles dean,viewer] [--url URL]
                                                   (REGISTRAR_HOME names a published home with users)

Settled means: the script run the click asked for has finished (the server's `script_finished`
message after the click's `rerun_script`, read off the page's websocket; a click that asks for no run,
such as a tab whose content the browser already holds, needs none), Streamlit's running indicator is
gone, and every visible chart has drawn. The page is polled every POLL seconds, so a time is at most
that late.

Without `--url` the bench starts `registrar serve` on 127.0.0.1 and a free port (from `--project`, a
checkout of the project, by default this one) and stops it at the end; the home's demo users
(`registrar user demo`, added when missing) sign in through the form. Each timing is reported with the
median and p95 per page and per interaction, and the verdict against the targets: median <= 1 s and
p95 <= 2 s at 5,000 students, p95 <= 3 s at 200,000. A measurement, not a test. Every loop is bounded
(roles x pages x interactions x --repeat) and every wait has a timeout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.shared import registrar_serve
from registrar.common.paths import PROJECT_DIR, Home

ROLES = ("registrar", "dean", "management", "advisor", "viewer")
PAGES = ("home", "attestation", "student", "contingent", "lists", "reports", "status")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}
POLL = 0.02  # seconds between looks at the page while it settles
ASK_GRACE = 0.25  # seconds a click has to ask the server for a run before the page counts as settled without one
SETTLE_TIMEOUT = 120.0  # seconds: a page that has not settled by then is recorded as failed
TARGETS = {"p50_s": 1.0, "p95_s": 2.0}  # at 5,000 students (issue 23 point 15)
LARGE = {"students": 200_000, "p95_s": 3.0}  # from this size on, the 200,000 target applies

# Filters changed on each page, by the widget's key (Streamlit gives a keyed widget the class st-key-<key>):
# ("select", key) picks another option, ("text", key, value) types a value and presses Enter.
FILTERS: dict[str, list[tuple[str, ...]]] = {
    "attestation": [("select", "att_faculty"), ("select", "att_f_course")],
    "contingent": [("select", "con_faculty"), ("select", "con_dimension")],
    "student": [("text", "stu_search", "")],  # the value: a student's surname the role may see (see _surname)
    "lists": [("select", "lists_name")],
    "reports": [("select", "report_name")],
    "status": [],
    "home": [],
}

# What the page polls until it holds (true: settled). Charts: each visible Plotly chart has drawn its SVG.
SETTLED_JS = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (!document.querySelector('[data-testid="stApp"]')) return false;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (c.offsetParent !== null && !c.querySelector('.main-svg')) return false;
  }
  return true;
}"""


@dataclass
class Wire:
    """The page's websocket traffic, in order: each run asked for (`rerun_script`) and each finished."""

    events: list[tuple[str, float]] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def sent(payload: Any) -> None:
            if isinstance(payload, (bytes, bytearray)):
                msg = BackMsg()
                try:
                    msg.ParseFromString(bytes(payload))
                except Exception:  # noqa: BLE001 - not a message of ours
                    return
                if msg.WhichOneof("type") == "rerun_script":
                    self.events.append(("asked", time.perf_counter()))

        def received(payload: Any) -> None:
            if isinstance(payload, (bytes, bytearray)):
                msg = ForwardMsg()
                try:
                    msg.ParseFromString(bytes(payload))
                except Exception:  # noqa: BLE001
                    return
                if msg.WhichOneof("type") == "script_finished" and \
                        ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished) != "FINISHED_EARLY_FOR_RERUN":
                    self.events.append(("finished", time.perf_counter()))

        page.on("websocket", lambda ws: (ws.on("framesent", sent), ws.on("framereceived", received)))

    def mark(self) -> int:
        return len(self.events)

    def asked_since(self, mark: int) -> bool:
        return any(kind == "asked" for kind, _ in self.events[mark:])

    def run_seconds(self, mark: int, started: float) -> float | None:
        """From `started` until the last run asked for since `mark` finished (None: the click asked for none)."""
        finished = [at for kind, at in self.events[mark:] if kind == "finished"]
        return round(finished[-1] - started, 3) if finished and self.asked_since(mark) else None

    def pending(self, mark: int) -> bool:
        """Whether a run asked for since `mark` has not finished yet."""
        last_asked = max((i for i, (kind, _) in enumerate(self.events) if kind == "asked" and i >= mark), default=None)
        if last_asked is None:
            return False
        return not any(kind == "finished" for kind, _ in self.events[last_asked + 1:])


class NotSettled(RuntimeError):
    pass


def settle(page: Any, wire: Wire, mark: int, started: float, timeout: float = SETTLE_TIMEOUT) -> float:
    """Seconds from `started` (just before the click) until the page settled after it (the script run's own
    share: `wire.run_seconds(mark, started)`)."""
    deadline = started + timeout
    while True:
        now = time.perf_counter()
        if now > deadline:
            raise NotSettled(f"not settled after {timeout:.0f} s")
        page.wait_for_timeout(POLL * 1000)  # lets Playwright deliver the websocket events
        if wire.pending(mark):
            continue
        if not wire.asked_since(mark) and time.perf_counter() - started < ASK_GRACE:
            # a click may take a moment to ask for its run: settled only when no run was asked for by then,
            # timed to the first look at which the page held
            if page.evaluate(SETTLED_JS):
                seen = time.perf_counter()
                while time.perf_counter() - started < ASK_GRACE and not wire.asked_since(mark):
                    page.wait_for_timeout(POLL * 1000)
                if not wire.asked_since(mark) and page.evaluate(SETTLED_JS):
                    return seen - started
            continue
        if page.evaluate(SETTLED_JS):
            return time.perf_counter() - started


def exception_shown(page: Any) -> str | None:
    shown = page.locator('[data-testid="stException"]')
    return shown.first.inner_text()[:500] if shown.count() else None


# --- the server -----------------------------------------------------------------------------------
@contextmanager
def serving(home: Path, project: Path, log: Path) -> Iterator[str]:
    """`registrar serve` of `project` on `home`, on 127.0.0.1 and a free port, until healthy; its URL."""
    with registrar_serve(home, log, project) as (url, _):
        yield url


# --- one role in the browser ----------------------------------------------------------------------
@dataclass
class Timing:
    role: str
    page: str
    action: str  # "open", "tab 2", "select att_faculty", ...
    seconds: float | None
    error: str | None = None
    warmup: bool = False  # a round before the timed ones (the first visit after a publish fills the caches)
    run_seconds: float | None = None  # of `seconds`, until the script run's end reached the browser


def sign_in(page: Any, base: str, name: str, password: str, lang: str) -> None:
    page.goto(f"{base}/?lang={lang}")
    page.wait_for_selector('input[type="password"]', timeout=60_000)
    page.locator(".st-key-auth_name input").fill(name)
    page.locator('input[type="password"]').fill(password)
    page.locator('[data-testid="stBaseButton-primaryFormSubmit"]').click()
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=60_000)


LAST_RUN: dict[str, float | None] = {"seconds": None}  # the script run's share of the last _timed


def _timed(page: Any, wire: Wire, click: Any) -> float:
    mark = wire.mark()
    started = time.perf_counter()
    click()
    seconds = settle(page, wire, mark, started)
    LAST_RUN["seconds"] = wire.run_seconds(mark, started)
    return seconds


def _tabs(page: Any) -> Any:
    return page.locator('[data-testid="stMain"] [role="tab"]')


def _select_other(page: Any, wire: Wire, key: str, turn: int) -> float | None:
    """Open the selectbox `key` and time picking another of its options (a different one each turn)."""
    box = page.locator(f".st-key-{key} input[role='combobox']")
    if not box.count() or not box.first.is_visible():
        return None
    current = box.first.input_value().strip()
    page.locator(f".st-key-{key} button[aria-haspopup='listbox']").first.click()
    options = page.locator('[role="listbox"] [role="option"]')
    options.first.wait_for(timeout=10_000)
    texts = [options.nth(i).inner_text().strip() for i in range(min(options.count(), 8))]
    others = [i for i, text in enumerate(texts) if text != current]
    if not others:
        page.keyboard.press("Escape")
        return None
    chosen = others[turn % len(others)]
    return _timed(page, wire, lambda: options.nth(chosen).click())


def _type(page: Any, wire: Wire, key: str, value: str) -> float | None:
    field_ = page.locator(f".st-key-{key} input")
    if not value or not field_.count():
        return None
    field_.first.fill(value)
    return _timed(page, wire, lambda: field_.first.press("Enter"))


def _surname(home: Home) -> str:
    """A surname to search for on the Student page (the most common one: most roles see someone of it)."""
    import duckdb

    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        row = con.execute("select split_part(full_name, ' ', 1) as s from main.dim_students "
                          "group by 1 order by count(*) desc, 1 limit 1").fetchone()
    finally:
        con.close()
    return str(row[0]) if row else ""


def bench_role(base: str, role: str, name: str, password: str, repeat: int, lang: str, surname: str,
               say: Any, warmup: int = 1) -> list[Timing]:
    """Sign in as `role`, then `warmup` + `repeat` rounds of every page it may open: the menu click, each tab,
    the filters (the warm-up rounds' timings are kept apart)."""
    from playwright.sync_api import sync_playwright

    from registrar.access.roles import may_open

    out: list[Timing] = []
    pages = [p for p in PAGES if may_open(role, p)]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            wire = Wire()
            wire.watch(page)
            sign_in(page, base, name, password, lang)
            settle(page, wire, 0, time.perf_counter())
            for turn in range(warmup + repeat):
                cold = turn < warmup
                for url in pages:
                    def record(action: str, run: Any, url: str = url, cold: bool = cold) -> None:
                        try:
                            seconds = run()
                        except Exception as failed:  # noqa: BLE001 - recorded, the bench goes on
                            out.append(Timing(role, url, action, None, f"{type(failed).__name__}: {failed}"[:300],
                                              cold))
                            say(f"  {role:<10} {url:<12} {action:<26} FAILED {failed}"[:200])
                            return
                        if seconds is None:
                            return
                        shown = exception_shown(page)
                        out.append(Timing(role, url, action, seconds, shown and f"exception: {shown}", cold,
                                          LAST_RUN["seconds"]))
                        ran = LAST_RUN["seconds"]
                        say(f"  {role:<10} {url:<12} {action:<26} {seconds:6.2f} s"
                            + (f" (run {ran:.2f} s)" if ran is not None else " (no run)")
                            + (" EXCEPTION" if shown else "")
                            + (" (warm-up)" if cold else ""))

                    # the menu's entry (Home, the default page, is the app's root address)
                    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{"" if url == "home" else url}"]')
                    record("open", lambda link=link: _timed(page, wire, lambda: link.click()))
                    n_tabs = _tabs(page).count()
                    for i in [*range(1, n_tabs), 0] if n_tabs > 1 else []:
                        record(f"tab {i + 1}", lambda i=i: _timed(page, wire, lambda: _tabs(page).nth(i).click()))
                    for spec in FILTERS.get(url, []):
                        if spec[0] == "select":
                            record(f"select {spec[1]}",
                                   lambda key=spec[1], turn=turn: _select_other(page, wire, key, turn))
                        elif spec[0] == "text":
                            record(f"search {spec[1]}", lambda key=spec[1]: _type(page, wire, key, surname))
        finally:
            browser.close()
    return out


# --- the summary ----------------------------------------------------------------------------------
def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def stats(seconds: list[float]) -> dict[str, Any]:
    if not seconds:
        return {"runs": 0}
    return {"runs": len(seconds), "p50_s": round(statistics.median(seconds), 3),
            "p95_s": round(percentile(seconds, 0.95), 3), "max_s": round(max(seconds), 3)}


def summarise(timings: list[Timing], students: int | None) -> dict[str, Any]:
    ok = [x for x in timings if x.seconds is not None and not x.error and not x.warmup]
    cold = [x for x in timings if x.seconds is not None and not x.error and x.warmup]

    def kind(action: str) -> str:
        return "open" if action == "open" else "tab" if action.startswith("tab") else action

    by_page: dict[str, Any] = {}
    for url in PAGES:
        mine = [x for x in ok if x.page == url]
        if not mine:
            continue
        actions = sorted({kind(x.action) for x in mine}, key=lambda a: (a != "open", a != "tab", a))
        by_page[url] = {"all": stats([x.seconds for x in mine]),  # type: ignore[misc]
                        "by_action": {a: stats([x.seconds for x in mine if kind(x.action) == a])  # type: ignore[misc]
                                      for a in actions}}
        for a, found in by_page[url]["by_action"].items():  # the script run's share (median), where a run was asked
            ran = [x.run_seconds for x in mine if kind(x.action) == a and x.run_seconds is not None]
            found["run_p50_s"] = round(statistics.median(ran), 3) if ran else None
    every = stats([x.seconds for x in ok])  # type: ignore[misc]
    large = students is not None and students >= LARGE["students"]
    target = {"p95_s": LARGE["p95_s"]} if large else dict(TARGETS)

    def meets(s: dict[str, Any]) -> bool:
        return s.get("runs", 0) > 0 and all(s[k] <= v for k, v in target.items())

    failing = [f"{url} {a}" for url, p in by_page.items() for a, s in p["by_action"].items() if not meets(s)]
    errors = [x.__dict__ for x in timings if x.error]
    warm_up = {url: stats([x.seconds for x in cold if x.page == url and x.action == "open"])  # type: ignore[misc]
               for url in PAGES if any(x.page == url for x in cold)}
    return {"overall": every, "pages": by_page, "target": target, "failing": failing, "errors": errors,
            "warmup_open": warm_up,
            "verdict": "pass" if not failing and not errors else "fail"}


def markdown(result: dict[str, Any]) -> str:
    lines = [f"Page timings in the browser ({result['students'] or '?'} students, {result['repeat']} rounds after "
             f"{result['warmup']} warm-up, "
             f"load average {result['load_average_before']} → {result['load_average_after']}): "
             f"verdict **{result['summary']['verdict']}** against {result['summary']['target']}", "",
             "| page | interaction | runs | median s | p95 s | max s | run median s |", "|---|---|--:|--:|--:|--:|--:|"]
    for url, p in result["summary"]["pages"].items():
        for action, s in p["by_action"].items():
            ran = "—" if s.get("run_p50_s") is None else f"{s['run_p50_s']:.2f}"
            lines.append(f"| {url} | {action} | {s['runs']} | {s['p50_s']:.2f} | {s['p95_s']:.2f} | {s['max_s']:.2f} "
                         f"| {ran} |")
    o = result["summary"]["overall"]
    if o.get("runs"):
        lines.append(f"| **all** | | {o['runs']} | {o['p50_s']:.2f} | {o['p95_s']:.2f} | {o['max_s']:.2f} | |")
    return "\n".join(lines)


def students_of(home: Home) -> int | None:
    import duckdb

    try:
        con = duckdb.connect(str(home.warehouse), read_only=True)
    except Exception:  # noqa: BLE001
        return None
    try:
        return int(con.execute("select count(*) from main.dim_students").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def run(home: Home, repeat: int, roles: tuple[str, ...], lang: str, url: str | None, project: Path,
        say: Any = print, warmup: int = 1) -> dict[str, Any]:
    from registrar.access.users import demo_users

    users = {u.role: (u.name, password) for u, password in demo_users(home)}
    students, surname = students_of(home), _surname(home)
    result: dict[str, Any] = {"home": str(home.root), "students": students, "repeat": repeat, "warmup": warmup,
                              "lang": lang,
                              "project": str(project), "started_at": dt.datetime.now(dt.UTC).isoformat(),
                              "load_average_before": [round(x, 2) for x in os.getloadavg()],
                              "cpu_count": os.cpu_count()}
    timings: list[Timing] = []

    def all_roles(base: str) -> None:
        for role in roles:
            if role not in users:
                say(f"  no demo user of role {role}: skipped")
                continue
            timings.extend(bench_role(base, role, *users[role], repeat, lang, surname, say, warmup))

    if url:
        all_roles(url)
    else:
        with serving(home.root, project, Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-pages-{os.getpid()}.log") \
                as base:
            all_roles(base)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["timings"] = [x.__dict__ for x in timings]
    result["summary"] = summarise(timings, students)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every page and interaction (default 3)")
    parser.add_argument("--warmup", type=int, default=1, choices=range(0, 4),
                        help="untimed rounds first, per role (default 1): the first visit after a publish fills "
                             "the shared query cache; reported apart")
    parser.add_argument("--json", type=Path, help="write the timings and the summary to this file")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated roles (default: every role)")
    parser.add_argument("--lang", default="en", choices=("kk", "ru", "en"))
    parser.add_argument("--url", help="time an app already served there instead of starting one")
    parser.add_argument("--project", type=Path, default=PROJECT_DIR,
                        help="the checkout whose `registrar serve` to start (default: this one)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.repeat > 100:
        parser.error("--repeat must be 1 … 100")
    home = Home.from_env()
    if not home.warehouse.exists():
        parser.error(f"no published warehouse at {home.warehouse} (REGISTRAR_HOME)")
    roles = tuple(r for r in args.roles.split(",") if r)
    result = run(home, args.repeat, roles, args.lang, args.url, args.project.resolve(), warmup=args.warmup)
    print(markdown(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0 if result["summary"]["verdict"] == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
