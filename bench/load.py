"""The load test: many signed-in users on the real dashboards while a refresh publishes.

    registrar-bench load [--students 5000] [--sessions 50] [--loads 12]   (or `make bench-load`)

It starts `registrar serve` on 127.0.0.1 (a free port) on a demo home (the bench's cached demo
extracts, refreshed once into a home kept per size, seed and project version, copied for each
run), signs in `--sessions` sessions round the roles (the demo user of each role), and drives
them over Streamlit's own websocket protocol (`/_stcore/stream`, the messages the browser sends:
a rerun of a page with its widget values), each session loading the pages its role may open in
turn with a think time between. A little after every session has signed in, a refresh of a
second, larger demo export runs (`registrar refresh` as its own process) and publishes in the
middle of the load. It is bounded: each session does `--loads` page loads (and, with a refresh,
`--after-publish` more once it has published), and the whole test stops at `--max-seconds`.

It records:
- each page run's latency: from the rerun sent to the server's "script finished" (what a user
  waits for, without the browser's drawing), p50/p95 per page, per phase of the refresh, overall;
- errors: a Streamlit exception element, an error box (`st.error`), a run that does not finish
  or ends otherwise than successfully, a dropped connection;
- mixed data: the numbers (metrics) a page shows must be exactly those of the warehouse before
  the publish or those after it, for each role and page: one set of figures before, one after,
  and a page run that straddles the publish shows one of the two, never a mix;
- the peak resident memory of the server (`registrar serve` and the Streamlit process it
  starts), sampled from /proc.

Results: bench/results/<stamp>-load.json and .md. A measurement; tests/warehouse/test_load.py
runs it tiny to keep it working.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import measure as bench_measure
from bench import proxy
from bench.shared import RESULTS, cached_extracts, commit, registrar_serve
from registrar.access.roles import may_open
from registrar.common.paths import PROJECT_DIR, Home

TARGET_P95_MS = 1000.0
RUN_TIMEOUT = 120.0  # seconds a page run may take before it counts as an error
SIGN_IN_TIMEOUT = 600.0  # seconds a sign-in may take (not a measured page run; many queue at the start)
ROLES = ("registrar", "management", "dean", "advisor", "viewer")
PAGE_ORDER = ("home", "attestation", "student", "contingent", "reports", "status")
READY_MARKER = ".load-home.json"
PUBLISH_POLL = 0.05  # seconds between looks at the served file's inode
SERVED_PROCESSES = 2  # as the shipped service runs it (deploy/systemd/registrar-serve.service)


@dataclass
class PageRun:
    """One page load of one session: what a user waited for and what the page showed."""

    session: int
    role: str
    page: str
    started: float  # seconds since the load began
    seconds: float
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    figures: list[list[str]] | None = None  # the (label, value) of every metric shown


@dataclass
class Shown:
    """What one script run sent: its elements as far as the load test reads them."""

    status: str = ""
    metrics: list[list[str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    widgets: dict[str, str] = field(default_factory=dict)  # a keyed widget's id, by key
    redirect: str = ""  # where the app sent the browser (the session cookie's hand-over route)


class StreamlitSession:
    """One browser session, spoken over Streamlit's websocket as its web client does: each run is
    a `rerun_script` back message (page, query string, widget values) answered by forward
    messages up to `script_finished`."""

    def __init__(self, base_ws: str, lang: str = "en", **connect_options: Any) -> None:
        self.base_ws = base_ws
        self.url = f"{base_ws}/_stcore/stream"
        self.connect_options = connect_options  # e.g. ssl= through the reverse proxy (bench/proxy.py)
        self.cookies: dict[str, str] = {}  # what the server set, sent back as a browser does
        self.query = f"lang={lang}"
        self.pages: dict[str, str] = {}  # url path → page script hash, as the menu lists them
        self.page_hash = ""
        self._ws: Any = None

    async def __aenter__(self) -> StreamlitSession:
        # As the browser does: the page first (behind the proxy its answer sets the route cookie that
        # keeps this session to one server process), then the websocket.
        await asyncio.to_thread(self._get, "/")
        await self._connect()
        return self

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    @property
    def signed_in_cookie(self) -> bool:
        """Whether the server handed this session its session cookie."""
        from registrar.access.sessions import COOKIE_NAME

        return bool(self.cookies.get(COOKIE_NAME))

    async def _connect(self) -> None:
        from websockets.asyncio.client import connect

        headers = {"Cookie": self.cookie} if self.cookies else None
        self._ws = await connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=60,
                                 ping_interval=None, compression=None, additional_headers=headers,
                                 **self.connect_options)

    async def __aexit__(self, *exc: object) -> None:
        await self._ws.close()

    async def run(self, page: str | None = None, widgets: list[Any] | None = None,
                  timeout: float = RUN_TIMEOUT) -> Shown:
        """Run a page (by url path; None: the current one) with these widget values; what it showed."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if page is not None:
            self.page_hash = self.pages[page]
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = self.page_hash
        msg.rerun_script.widget_states.widgets.extend(widgets or [])
        await self._ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._until_finished(), timeout)

    async def _until_finished(self) -> Shown:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        shown = Shown()
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self._ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname or "home": p.page_script_hash for p in msg.navigation.app_pages
                              if not p.is_hidden}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                _read_element(msg.delta.new_element, shown)
            elif kind == "auth_redirect":
                shown.redirect = msg.auth_redirect.url
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":  # st.rerun(): the next run follows at once
                    shown = Shown()
                    continue
                shown.status = status
                return shown

    async def sign_in(self, name: str, password: str) -> Shown:
        """Fill and submit the sign-in form, as a user does."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        form = await self.run(timeout=SIGN_IN_TIMEOUT)
        ids = form.widgets
        if not {"auth_name", "auth_password", "auth_submit"} <= ids.keys():
            raise RuntimeError(f"no sign-in form on the first page (saw {sorted(ids)}; errors {form.errors})")
        states = [WidgetState(id=ids["auth_name"], string_value=name),
                  WidgetState(id=ids["auth_password"], string_value=password),
                  WidgetState(id=ids["auth_submit"], trigger_value=True)]
        shown = await self.run(widgets=states, timeout=SIGN_IN_TIMEOUT)
        if not shown.redirect:
            return shown
        # As the browser does: follow the hand-over, which sets the session cookie, then load the
        # page again on a new connection that carries it (a websocket session alone stays signed
        # in only for the hand-over's minute, dashboards/auth.py).
        status = await asyncio.to_thread(self._get, shown.redirect)
        if not self.signed_in_cookie:
            raise RuntimeError(f"the hand-over set no session cookie (HTTP {status})")
        await self._ws.close()
        await self._connect()
        return await self.run(timeout=SIGN_IN_TIMEOUT)

    def _get(self, path: str) -> int:
        """GET `path` of the site with this session's cookies, keeping the cookies it sets; its status."""
        import http.client
        import ssl
        from urllib.parse import urlsplit

        base = urlsplit(self.base_ws)
        secure = base.scheme == "wss"
        host, port = base.hostname or "127.0.0.1", base.port or (443 if secure else 80)
        conn = (http.client.HTTPSConnection(host, port, timeout=SIGN_IN_TIMEOUT,
                                            context=self.connect_options.get("ssl") or ssl.create_default_context())
                if secure else http.client.HTTPConnection(host, port, timeout=SIGN_IN_TIMEOUT))
        headers = {"Sec-Fetch-Site": "same-origin", **({"Cookie": self.cookie} if self.cookies else {})}
        try:
            conn.request("GET", base.path.rstrip("/") + path, headers=headers)
            answer = conn.getresponse()
            answer.read()
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie" and "=" in value:
                    key, _, kept = value.split(";", 1)[0].partition("=")
                    self.cookies[key.strip()] = kept.strip()
        finally:
            conn.close()
        return answer.status


def _read_element(element: Any, shown: Shown) -> None:
    kind = element.WhichOneof("type")
    if kind == "metric":
        shown.metrics.append([element.metric.label, element.metric.body])
    elif kind == "exception":
        text = f"{element.exception.type}: {element.exception.message}"[:500]
        (shown.warnings if element.exception.is_warning else shown.errors).append(text)
    elif kind == "alert" and element.alert.format == 1:  # ERROR: an st.error box
        shown.errors.append(f"error box: {element.alert.body}"[:500])
    elif kind in ("text_input", "button"):
        widget = getattr(element, kind)
        key = widget.id.rsplit("-", 1)[-1] if widget.id.startswith("$$ID") else widget.id
        shown.widgets[key] = widget.id


@dataclass
class Plan:
    """What the load does: sessions, their loads and pacing, the caps."""

    sessions: int = 50
    loads: int = 12
    after_publish: int = 2
    think: float = 20.0
    max_seconds: float = 900.0
    refresh_after: float = 5.0  # seconds after the last sign-in that the refresh starts, at the earliest
    before_publish: int = 2  # page loads every session has done before the refresh starts
    rng_seed: int = 1  # of the think times (the demo's seed is the config's `seed`)
    ramp: float = 30.0  # seconds over which the sessions arrive (one every ramp / sessions), as users do
    pages: tuple[str, ...] = ()  # the pages to load (url paths); empty: every page the role may open
    # Every session's first page at one instant, once all have signed in: a burst no group of users
    # makes (the worst case, kept as an option); by default each starts a think time after its sign-in.
    together: bool = False
    processes: int = 1  # server processes; more than one behind the shipped nginx site, as deployed


@dataclass
class Load:
    """The shared state of one load run."""

    plan: Plan
    begun: float = field(default_factory=time.monotonic)
    runs: list[PageRun] = field(default_factory=list)
    sign_ins: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # sessions that could not sign in or dropped
    signed_in_at: float | None = None
    published_at: float | None = None
    refresh_over: bool = False
    with_cookie: int = 0  # sessions holding the session cookie after signing in, as a browser does
    cut_by_time_cap: int = 0

    def now(self) -> float:
        return time.monotonic() - self.begun

    def deadline_passed(self) -> bool:
        return self.now() > self.plan.max_seconds


async def _session(load: Load, number: int, base_ws: str, role: str, name: str, password: str,
                   signed_in: asyncio.Event, all_signed_in: asyncio.Event, ready_for_publish: asyncio.Event,
                   expect_publish: bool, connect_options: dict[str, Any]) -> None:
    plan = load.plan
    rng = random.Random(plan.rng_seed * 1000 + number)
    await asyncio.sleep(plan.ramp * number / max(plan.sessions, 1))
    try:
        async with StreamlitSession(base_ws, **connect_options) as session:
            started = time.perf_counter()
            shown = await session.sign_in(name, password)
            load.sign_ins.append(time.perf_counter() - started)
            if shown.errors or "home" not in session.pages:
                raise RuntimeError(f"sign-in as {name} failed: {shown.errors or 'no menu'}")
            load.with_cookie += session.signed_in_cookie
            signed_in.set()
            if plan.together:
                await all_signed_in.wait()
            else:
                await asyncio.sleep(plan.think * rng.uniform(0.0, 1.0))
            pages = [p for p in plan.pages or PAGE_ORDER if p in session.pages and may_open(role, p)]
            done = after = 0
            while True:
                # with a refresh, go on until it published and this session loaded pages after it
                publish_pending = expect_publish and (not load.refresh_over if load.published_at is None
                                                      else after < plan.after_publish)
                if done >= plan.loads and not publish_pending:
                    break
                if load.deadline_passed():
                    ready_for_publish.set()
                    load.cut_by_time_cap += 1
                    break
                page = pages[(number + done) % len(pages)]
                began = load.now()
                tick = time.perf_counter()
                try:
                    shown = await session.run(page)
                except TimeoutError:
                    shown = Shown(status="timeout", errors=[f"no answer in {RUN_TIMEOUT:g} s"])
                run = PageRun(number, role, page, round(began, 3), time.perf_counter() - tick, shown.errors,
                              shown.warnings, shown.metrics or None)
                if shown.status != "FINISHED_SUCCESSFULLY":
                    run.errors.append(f"run ended {shown.status or 'without finishing'}")
                if "auth_name" in shown.widgets:  # the sign-in form instead of the page
                    run.errors.append("signed out: the sign-in form came back")
                load.runs.append(run)
                done += 1
                if done == plan.before_publish:
                    ready_for_publish.set()
                # judged as mixed_data judges it (its rounded start): a run that began in the same
                # instant the publish was seen must not count here as after it and there as across
                if phase(run, load.published_at) == "after":
                    after += 1
                await asyncio.sleep(plan.think * rng.uniform(0.5, 1.5))
    except Exception as failed:  # a dropped connection or a refused sign-in is a finding, not a crash
        load.failures.append(f"session {number} ({role}): {type(failed).__name__}: {failed}"[:500])
    finally:
        signed_in.set()
        ready_for_publish.set()


async def _watch_publish(load: Load, warehouse: Path, command_over: asyncio.Event) -> None:
    """Note when the served file is replaced (its inode changes): the moment of the publish, at
    most PUBLISH_POLL late."""
    before = os.stat(warehouse).st_ino
    while True:
        over = command_over.is_set()
        try:
            if os.stat(warehouse).st_ino != before:
                load.published_at = load.now()
                return
        except FileNotFoundError:
            pass
        if over:
            return
        await asyncio.sleep(PUBLISH_POLL)


def drive(base_url: str, users: dict[str, tuple[str, str]], plan: Plan, home: Home,
          publish: list[str] | None) -> tuple[Load, dict[str, Any] | None]:
    """Run the sessions (and the publishing command in the middle: a refresh) to their end; the load
    and the command's outcome."""
    load = Load(plan)
    refresh: dict[str, Any] = {}

    async def main() -> None:
        base_ws = base_url.replace("https://", "wss://").replace("http://", "ws://")
        options: dict[str, Any] = {"ssl": proxy.client_context()} if base_ws.startswith("wss://") else {}
        roles = [r for r in ROLES if r in users]
        flags = [asyncio.Event() for _ in range(plan.sessions)]
        ready = [asyncio.Event() for _ in range(plan.sessions)]
        all_in = asyncio.Event()
        tasks = [asyncio.create_task(_session(load, n, base_ws, roles[n % len(roles)],
                                              *users[roles[n % len(roles)]], flags[n], all_in, ready[n],
                                              publish is not None, options))
                 for n in range(plan.sessions)]
        await asyncio.gather(*(f.wait() for f in flags))
        load.signed_in_at = load.now()
        all_in.set()
        if publish is not None:
            await asyncio.sleep(plan.refresh_after)
            await asyncio.gather(*(r.wait() for r in ready))
            command_over = asyncio.Event()
            watcher = asyncio.create_task(_watch_publish(load, home.warehouse, command_over))
            refresh["command"] = " ".join(publish[3:])  # after `python -m registrar.cli`
            refresh["started_at"] = round(load.now(), 2)
            measured = await asyncio.to_thread(_measured, publish, home)
            command_over.set()
            await watcher
            load.refresh_over = True
            refresh.update(returncode=measured.returncode, seconds=measured.seconds,
                           cpu_seconds=measured.cpu_seconds, peak_rss_bytes=measured.peak_rss_bytes,
                           output_tail=measured.output[-3000:] if measured.returncode else "")
        await asyncio.gather(*tasks)

    asyncio.run(main())
    if publish is not None:
        refresh["published_at"] = None if load.published_at is None else round(load.published_at, 2)
    return load, refresh or None


def registrar_command(*args: str) -> list[str]:
    """`registrar ARGS` as this Python runs it."""
    return [sys.executable, "-m", "registrar.cli", *args]


def _measured(command: list[str], home: Home) -> bench_measure.Measured:
    env = {**os.environ, "REGISTRAR_HOME": str(home.root), "PYTHONUNBUFFERED": "1"}
    return bench_measure.run_measured(command, env=env, cwd=PROJECT_DIR)


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * bench_measure.PAGE
    except (OSError, IndexError, ValueError):
        return 0


class MemoryWatch:
    """The peak resident memory of the server: its process tree, and the largest single process
    in it (the Streamlit server; `registrar serve` itself only waits for it)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.peak_tree = self.peak_process = 0
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        start = time.monotonic()
        while not self._stop.is_set():
            tree = bench_measure.tree_rss(self.pid)
            kids = bench_measure._children()
            todo, biggest = [self.pid], 0
            while todo:
                pid = todo.pop()
                todo += kids.get(pid, [])
                biggest = max(biggest, _rss(pid))
            self.peak_tree, self.peak_process = max(self.peak_tree, tree), max(self.peak_process, biggest)
            self.samples.append((round(time.monotonic() - start, 1), biggest))
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def serving(home: Home, processes: int = 1) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """`registrar serve` on 127.0.0.1 and a free port, until healthy; its URL, process and start time.
    With `processes` > 1, that many server processes behind the shipped nginx site (bench/proxy.py),
    and the URL is nginx's. The server's own log is beside the home: an error a session saw has its
    traceback there."""
    started = time.perf_counter()
    with registrar_serve(home.root, home.root / "serve.log", processes=processes) as (url, proc):
        if processes == 1:
            yield url, proc, time.perf_counter() - started
            return
        first = int(url.rsplit(":", 1)[1])
        with proxy.fronted(list(range(first, first + processes)), home.root / "nginx") as proxied:
            yield proxied, proc, time.perf_counter() - started


def prepared_home(root: Path, extracts: Path, say: Any = print) -> Home:
    """A home with `extracts` published and a demo user per role, built once per extracts and project
    version (kept under `root`), and copied fresh for each load run (the run publishes into it)."""
    from registrar.access.users import demo_users
    from registrar.pipeline.history import project_fingerprint

    key = {"extracts": str(extracts.resolve()), "project": project_fingerprint()}
    pristine = Home(root / f"load-home-{extracts.name}")
    marker = pristine.root / READY_MARKER
    if not marker.exists() or json.loads(marker.read_text(encoding="utf-8")) != key:
        shutil.rmtree(pristine.root, ignore_errors=True)
        say(f"refreshing the load test's home from {extracts}")
        done = _measured(registrar_command("refresh", str(extracts)), pristine)
        if done.returncode != 0:
            raise RuntimeError(f"the refresh of {extracts} failed:\n{done.output[-3000:]}")
        demo_users(pristine)
        marker.write_text(json.dumps(key), encoding="utf-8")
    run = Home(root / "load-run")
    shutil.rmtree(run.root, ignore_errors=True)
    shutil.copytree(pristine.root, run.root, symlinks=True, ignore=shutil.ignore_patterns(READY_MARKER))
    return run


def users_of(home: Home) -> dict[str, tuple[str, str]]:
    """The demo user and password of each role in `home`, by role."""
    from registrar.access.users import demo_users

    return {user.role: (user.name, password) for user, password in demo_users(home)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def _stats(seconds: list[float]) -> dict[str, Any]:
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"runs": 0}
    return {"runs": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1)}


def phase(run: PageRun, published_at: float | None) -> str:
    """Whether a page run ended before the publish, began after it, or ran across it. The publish is
    seen at most PUBLISH_POLL late: a run that ended within that much before it counts as across."""
    if published_at is None or run.started + run.seconds <= published_at - 2 * PUBLISH_POLL:
        return "before"
    return "after" if run.started >= published_at else "across"


def mixed_data(runs: list[PageRun], published_at: float | None) -> tuple[list[str], dict[str, bool]]:
    """The page runs whose figures are neither the warehouse's before the publish nor after it, per
    role and page; and, per role and page, whether the publish changed the figures at all (when
    it did not, a mix could not be seen on that page)."""
    problems: list[str] = []
    changed: dict[str, bool] = {}
    by_key: dict[str, list[PageRun]] = {}
    for run in runs:
        if run.figures is not None and not run.errors:
            by_key.setdefault(f"{run.role}/{run.page}", []).append(run)
    for key, found in sorted(by_key.items()):
        def shown(r: PageRun) -> str:
            return json.dumps(r.figures, ensure_ascii=False)

        before = [r for r in found if phase(r, published_at) == "before"]
        after = [r for r in found if phase(r, published_at) == "after"]
        straddling = [r for r in found if phase(r, published_at) == "across"]
        old, new = {shown(r) for r in before}, {shown(r) for r in after}
        for label, seen in (("before", old), ("after", new)):
            if len(seen) > 1:
                problems.append(f"{key}: {len(seen)} different sets of figures {label} the publish: {sorted(seen)[:3]}")
        if old and new:
            changed[key] = old != new
        for r in straddling:
            if (old or new) and shown(r) not in old | new:
                problems.append(f"{key}: a run across the publish showed {shown(r)}, neither "
                                f"{sorted(old)[:1]} nor {sorted(new)[:1]}")
        for r in after:
            if old and new and shown(r) in old and old != new:
                problems.append(f"{key}: a run begun after the publish showed the old figures")
    return problems, changed


def summarise(load: Load, refresh: dict[str, Any] | None, memory: MemoryWatch, start_seconds: float) -> dict[str, Any]:
    runs = load.runs
    pages = sorted({r.page for r in runs}, key=lambda p: PAGE_ORDER.index(p) if p in PAGE_ORDER else 99)
    published = load.published_at
    phases: dict[str, list[float]] = {"before": [], "across": [], "after": []}
    for r in runs:
        phases[phase(r, published)].append(r.seconds)
    errors = [f"session {r.session} ({r.role}) {r.page}: {e}" for r in runs for e in r.errors]
    mixed, changed = mixed_data(runs, published)
    everything = _stats([r.seconds for r in runs])
    return {
        "runs_total": len(runs),
        "all": everything,
        "pages": {p: _stats([r.seconds for r in runs if r.page == p]) for p in pages},
        "roles": {role: _stats([r.seconds for r in runs if r.role == role]) for role in ROLES
                  if any(r.role == role for r in runs)},
        "phases": {k: _stats(v) for k, v in phases.items()},
        "sign_in": _stats(load.sign_ins),
        "sessions_with_cookie": load.with_cookie,
        "errors": errors[:200],
        "errors_count": len(errors),
        "session_failures": load.failures,
        "warnings": sorted({w for r in runs for w in r.warnings})[:20],
        "mixed": mixed[:100],
        "mixed_count": len(mixed),
        "figures_changed_by_publish": changed,
        "refresh": refresh,
        "sessions_cut_by_time_cap": load.cut_by_time_cap,
        "wall_seconds": round(load.now(), 1),
        "server": {"start_seconds": round(start_seconds, 1), "peak_rss_bytes": memory.peak_process,
                   "peak_tree_rss_bytes": memory.peak_tree,
                   "rss_first_bytes": memory.samples[0][1] if memory.samples else 0,
                   "rss_last_bytes": memory.samples[-1][1] if memory.samples else 0},
        "target_p95_ms": TARGET_P95_MS,
        "target_met": bool(runs) and everything.get("p95_ms", 1e9) < TARGET_P95_MS,
    }


def passed(result: dict[str, Any]) -> bool:
    """No error, no session lost, no mixed data, and the refresh (if any) published and was seen: some
    page's figures changed with it (a server that kept serving the old file would show none)."""
    refresh = result.get("refresh")
    return (result["runs_total"] > 0 and not result["errors_count"] and not result["session_failures"]
            and not result["mixed_count"]
            and result.get("sessions_with_cookie", 0) == result["sign_in"]["runs"]
            and (refresh is None or (refresh["returncode"] == 0 and refresh["published_at"] is not None
                                     and any(result["figures_changed_by_publish"].values()))))


def markdown(result: dict[str, Any]) -> str:
    c, s, m = result["config"], result["summary"], result["machine"]
    refresh = s["refresh"]
    lines = [
        f"Load run {result['at']} (commit {result['commit']}) on {m['cores']} cores, "
        f"{m['memory_bytes'] / 2**30:.2f} GiB; load average {result['load_average_before'][0]} before, "
        f"{result['load_average_after'][0]} after.",
        "",
        f"{c['sessions']} signed-in sessions over Streamlit's websocket on {c['students']:,} students "
        f"({', '.join(f'{k} {v}' for k, v in sorted(c['sessions_by_role'].items()) if v)}), {c['loads']} page loads "
        f"each (think time {c['think']} s ± 50 %), arriving over {c.get('ramp', 0):g} s"
        f"{', first pages all at one instant' if c.get('together') else ''}, time cap "
        f"{c['max_seconds']:g} s.",
    ]
    if refresh:
        what = (f"a refresh of {c['refresh_students']:,} students" if c.get("refresh_students")
                else f"`registrar {refresh['command']}`")
        lines.append(
            f"In the middle, {what} started at {refresh['started_at']} s and published at "
            f"{refresh['published_at']} s (exit {refresh['returncode']}, {refresh['seconds']} s, peak "
            f"{refresh['peak_rss_bytes'] / 2**30:.2f} GiB).")
    lines += [
        "",
        "| page | runs | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for page, v in {**s["pages"], "all pages": s["all"]}.items():
        if v["runs"]:
            lines.append(f"| {page} | {v['runs']} | {v['p50_ms']} | {v['p95_ms']} | {v['max_ms']} |")
    phases = ", ".join(f"{k} {v['runs']} runs p50 {v.get('p50_ms', '-')} / p95 {v.get('p95_ms', '-')} ms"
                       for k, v in s["phases"].items())
    changed = s["figures_changed_by_publish"]
    lines += [
        "",
        f"- Phases of the refresh: {phases}.",
        f"- Sign-in (form submitted, the session cookie handed over, the signed-in page loaded again): "
        f"p50 {s['sign_in'].get('p50_ms')} / p95 {s['sign_in'].get('p95_ms')} ms; "
        f"{s.get('sessions_with_cookie', 0)} of {s['sign_in']['runs']} sessions held the cookie.",
        f"- p95 of a page run {s['all'].get('p95_ms')} ms against the target {s['target_p95_ms']:g} ms: "
        f"{'met' if s['target_met'] else 'NOT met'}.",
        f"- Errors: {s['errors_count']}; sessions lost: {len(s['session_failures'])}; mixed data: "
        f"{s['mixed_count']} (pages whose figures the publish changed, so a mix would show: "
        f"{sum(changed.values())} of {len(changed)} role/page pairs).",
        f"- Server memory (the Streamlit process): {s['server']['rss_first_bytes'] / 2**20:.0f} MiB at the start, "
        f"peak {s['server']['peak_rss_bytes'] / 2**20:.0f} MiB, {s['server']['rss_last_bytes'] / 2**20:.0f} MiB at "
        f"the end (the whole `registrar serve` tree: peak {s['server']['peak_tree_rss_bytes'] / 2**20:.0f} MiB).",
        f"- Whole test {s['wall_seconds']} s; sessions stopped by the time cap: {s['sessions_cut_by_time_cap']}.",
    ]
    for e in (s["errors"][:5] + s["session_failures"][:5] + s["mixed"][:5]):
        lines.append(f"  - {e}")
    return "\n".join(lines) + "\n"


def run_load(home: Home, publish: list[str] | None, plan: Plan, config: dict[str, Any], out: Path | None,
             say: Any = print) -> tuple[dict[str, Any], Path | None]:
    """Serve `home`, drive the sessions with `publish` (a refresh command) run in the middle, and save
    the results under `out`; the results and their file."""
    users = users_of(home)
    roles = [r for r in ROLES if r in users]
    config = {**config, **asdict(plan), "sessions_by_role": {r: sum(1 for n in range(plan.sessions)
                                                                   if roles[n % len(roles)] == r) for r in roles}}
    result: dict[str, Any] = {"at": dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"), "commit": commit(),
                              "machine": bench_measure.machine(), "config": config,
                              "load_average_before": bench_measure.load_average()}
    with serving(home, plan.processes) as (url, proc, start_seconds), MemoryWatch(proc.pid) as memory:
        say(f"serving {url}; {plan.sessions} sessions signing in")
        load, refresh = drive(url, users, plan, home, publish)
    result["load_average_after"] = bench_measure.load_average()
    result["summary"] = summarise(load, refresh, memory, start_seconds)
    result["memory_samples"] = memory.samples[:: max(1, len(memory.samples) // 300)]
    result["runs"] = [asdict(r) for r in load.runs]
    target = None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{result['at']}-load.json"
        target.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
        target.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    return result, target


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--students", type=int, default=5000, help="students of the demo home (default 5000)")
    parser.add_argument("--years", type=int, default=5, help="academic years of history (default 5)")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the demo (default 42)")
    parser.add_argument("--extracts", type=Path, help="serve these extracts instead of a demo (e.g. the mini fixture)")
    parser.add_argument("--refresh-from", type=Path,
                        help="the export refreshed in the middle (default: a demo 5 %% larger than the served one)")
    parser.add_argument("--no-refresh", action="store_true", help="no refresh in the middle")
    parser.add_argument("--sessions", type=int, default=50, help="concurrent signed-in sessions (default 50)")
    parser.add_argument("--loads", type=int, default=12, help="page loads per session (default 12)")
    parser.add_argument("--after-publish", type=int, default=2,
                        help="page loads each session does at least after the publish (default 2)")
    parser.add_argument("--think", type=float, default=20.0,
                        help="mean seconds between a session's page loads (default 20: a user reads the page)")
    parser.add_argument("--together", action="store_true",
                        help="every session's first page at one instant once all signed in (a burst; worst case)")
    parser.add_argument("--max-seconds", type=float, default=900, help="the whole test stops after this (default 900)")
    parser.add_argument("--ramp", type=float, default=30.0,
                        help="seconds over which the sessions arrive and sign in (default 30)")
    parser.add_argument("--refresh-after", type=float, default=5.0,
                        help="seconds after the last sign-in that the refresh starts (default 5)")
    parser.add_argument("--processes", type=int, default=SERVED_PROCESSES,
                        help=f"server processes (default {SERVED_PROCESSES}, as deploy/systemd/registrar-serve.service "
                             "runs it); more than one behind the shipped nginx site (bench/proxy.py), one directly")
    parser.add_argument("--home", type=Path, help="where the load's homes live (default $REGISTRAR_HOME/bench)")
    parser.add_argument("--cache", type=Path, help="cached demo extracts (default <home>/extracts)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder (default bench/results)")


def run_from_args(args: argparse.Namespace) -> int:
    root = (args.home or Home.from_env().root / "bench").resolve()
    cache = (args.cache or root / "extracts").resolve()
    say = lambda m: print(m, flush=True)  # noqa: E731
    if args.extracts:
        extracts, students = args.extracts.resolve(), 0
    else:
        extracts, _info = cached_extracts(cache, args.students, args.years, args.seed, say)
        students = args.students
    refresh_from, refresh_students = None, 0
    if not args.no_refresh:
        if args.refresh_from:
            refresh_from = args.refresh_from.resolve()
        else:
            refresh_students = args.students + max(1, args.students // 20)  # a rise: the publish guard lets it by
            refresh_from, _info = cached_extracts(cache, refresh_students, args.years, args.seed, say)
    plan = Plan(args.sessions, args.loads, args.after_publish, args.think, args.max_seconds, args.refresh_after,
                ramp=args.ramp, together=args.together, processes=args.processes)
    config = {"students": students, "years": args.years, "seed": args.seed, "extracts": str(extracts),
              "refresh_from": str(refresh_from) if refresh_from else None, "refresh_students": refresh_students}
    try:
        home = prepared_home(root, extracts, say)
        publish = registrar_command("refresh", str(refresh_from)) if refresh_from else None
        result, target = run_load(home, publish, plan, config, args.out.resolve(), say)
    except RuntimeError as failed:
        print(f"registrar-bench load: {failed}", file=sys.stderr)
        return 1
    print(markdown(result))
    print(f"saved {target}")
    return 0 if passed(result["summary"]) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="registrar-bench load", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
