"""The `registrar` command: thin argument parsing and progress output.

Every subcommand calls functions that the tests call directly.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from registrar.common.console import Console
from registrar.common.paths import PRIVATE_UMASK, PROJECT_DIR, Home


def _print(msg: str) -> None:
    print(msg, flush=True)


def cmd_demo(args: argparse.Namespace) -> int:
    from demo import write_demo

    start = time.perf_counter()
    out = Path(args.out)
    _print(f"Writing a synthetic university ({args.students:,} students, {args.years} years) to {out}")
    counts = write_demo(out, students=args.students, years=args.years, seed=args.seed, progress=_print)
    total = sum(counts.values())
    _print(f"Done: {total:,} rows in {len(counts)} files in {time.perf_counter() - start:.1f} s")
    return 0


HELD_EXIT = 4  # the publish guard held the refresh (rules C7); docs/operations.md lists the exit codes


def cmd_refresh(args: argparse.Namespace) -> int:
    """The refresh, its end in the audit log (`refresh_finished`, and `drop_accepted` when it published
    past the publish guard). `--started-by` names the dashboard user of a refresh that the Data refresh
    page started (registrar/pipeline/background.py); otherwise it is the OS account."""
    from registrar.access import audit
    from registrar.pipeline.history import who
    from registrar.pipeline.lock import RefreshBusy
    from registrar.pipeline.refresh import RefreshFailed, RefreshHeld, refresh

    home = Home.from_env()
    if (args.extract_dir is None) == (args.from_drop is None):
        print("registrar refresh: give either EXTRACT_DIR or --from-drop DROP_DIR", file=sys.stderr)
        return 2
    extract_dir = Path(args.extract_dir) if args.extract_dir else None
    if args.from_drop:
        from registrar.pipeline.drop import DropError

        try:
            extract_dir = _from_drop(Path(args.from_drop), home)
        except DropError as refused:
            print(f"registrar refresh: {refused}", file=sys.stderr)
            return 2
        if extract_dir is None:
            return 0
    assert extract_dir is not None
    by = args.started_by or who()
    where = {"extract_dir": str(extract_dir), "accept_drop": args.accept_drop,
             "source": "dashboard" if args.started_by else "cli"}
    _print(f"Refreshing {home.warehouse} from {extract_dir}")
    try:
        outcome = refresh(extract_dir, home, Console(args.verbose), wait_seconds=args.wait,
                          accept_drop=args.accept_drop, started_by=by, full=args.full)
    except RefreshBusy as busy:
        print(f"registrar refresh: {busy}", file=sys.stderr)
        audit.record("refresh_finished", by, "", home, outcome="refused", reason=str(busy), **where)
        return 3
    except RefreshHeld as held:
        print(held.report, file=sys.stderr)
        print("registrar refresh: held by the publish guard; the published warehouse is unchanged.",
              file=sys.stderr)
        audit.record("refresh_finished", by, "", home, outcome="held", **where)
        return HELD_EXIT
    except RefreshFailed as failure:
        print(failure.report, file=sys.stderr)
        print(f"registrar refresh: {failure.step} failed; the published warehouse is unchanged.",
              file=sys.stderr)
        audit.record("refresh_finished", by, "", home, outcome="failed", step=failure.step, **where)
        return 1
    if outcome.accepted_drops:
        audit.record("drop_accepted", by, outcome.run_id, home,
                     drops=[d.describe() for d in outcome.accepted_drops], source=where["source"])
    total = sum(outcome.seconds.values())
    audit.record("refresh_finished", by, outcome.run_id, home, outcome="published", seconds=round(total, 1), **where)
    _print(f"Published {home.warehouse} (run {outcome.run_id}) in {total:.1f} s")
    return 0


def _from_drop(drop_dir: Path, home: Home) -> Path | None:
    """The export of the drop folder to refresh (registrar/pipeline/drop.py), or None when there is
    nothing new; says which exports were passed over and why."""
    from registrar.pipeline import drop

    choice = drop.choose(drop_dir, home)
    for skipped in choice.passed_over:
        _print(f"  not complete, left for a later run: {skipped.folder.name}: {'; '.join(skipped.problems)}")
    _print(f"Drop folder {drop_dir}: {choice.reason}")
    if choice.export is None:
        return None
    if not drop.unchanged_since(choice.export):
        _print(f"{choice.export.folder.name} changed while it was being checked: left for a later run")
        return None
    return choice.export.folder


def _size(n: float) -> str:
    """A file size in MB (the unit a warehouse is measured in)."""
    return f"{n / 2**20:,.1f} MB"


def cmd_history(args: argparse.Namespace) -> int:
    """The kept published warehouses, newest first, the one served marked `*`."""
    from registrar.pipeline import history

    home = Home.from_env()
    kept = history.runs(home)
    if not kept:
        _print("No published warehouse kept yet: `registrar refresh EXTRACT_DIR` publishes one")
        return 0
    _print("  run_id\tpublished\tstarted by\textract folder\textract sha256\tchecks passed/warned"
           "\theadcount\tstudents\tgrade rows\tsize")
    for r in kept:
        f = r.figures
        headcount = "—" if f.get("headcount") is None else f"{f['headcount']:,}"
        _print(f"{'*' if r.current else ' '} {r.run_id}\t{r.published_at.replace('T', ' ')}\t{r.started_by}\t"
               f"{r.extract_dir}\t{r.extract_sha256[:12]}\t{r.passed}/{r.warned}\t{headcount}\t"
               f"{f.get('students', 0):,}\t{f.get('grade_rows', 0):,}\t{_size(r.bytes)}"
               f"{'  (drop accepted)' if r.accepted_drop else ''}")
    _print(f"{len(kept)} kept (setting published_keep = {history.keep_count()}), "
           f"{_size(history.disk_bytes(home))} on disk; * = served now")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    """Serve a kept run again (default: the one before the current), and audit it."""
    from registrar.access import audit
    from registrar.pipeline import history
    from registrar.pipeline.lock import RefreshBusy

    home = Home.from_env()
    try:
        target, before = history.rollback(home, args.run_id, _print, wait_seconds=args.wait)
    except (history.RollbackRefused, RefreshBusy) as refused:
        print(f"registrar rollback: {refused}", file=sys.stderr)
        return 2
    audit.record("rollback", history.who(), target.run_id, home, replaced=before, source="cli")
    _print(f"Rolled back: {home.warehouse} is run {target.run_id} again (was {before or 'unknown'})")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check this install; one line per problem with what to fix; non-zero when any."""
    from registrar.access.users import Users
    from registrar.pipeline.doctor import diagnose

    home = Home.from_env()
    report = diagnose(home, users=[u.role for u in Users.of(home).all().values()], port=args.port,
                      address=args.address, processes=args.processes)
    for line in report.lines():
        _print(line)
    return 1 if report.problems else 0


def cmd_load(args: argparse.Namespace) -> int:
    import shutil

    from extract.defects import format_report
    from registrar.common.paths import WAREHOUSE_NAME
    from registrar.pipeline.refresh import load_step

    home = Home.from_env()
    shutil.rmtree(home.work, ignore_errors=True)
    home.work.mkdir(parents=True)
    result = load_step(Path(args.extract_dir), home.work / WAREHOUSE_NAME, home.work, _print)
    for w in result.warnings:
        _print(f"  warning: {w}")
    if not result.ok:
        print(format_report(result.defects, result.warnings), file=sys.stderr)
        return 1
    _print(f"Loaded {sum(result.row_counts.values()):,} rows into {home.work / WAREHOUSE_NAME} (not published)")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build and check the work warehouse, for trying a change; publishing is `refresh`'s alone,
    so that every published warehouse has its extracts archived, its load logged and its meta."""
    from registrar.common.paths import WAREHOUSE_NAME
    from registrar.pipeline.checks import run_checks
    from registrar.pipeline.refresh import RefreshFailed, build_step, start_build

    home = Home.from_env()
    database = home.work / WAREHOUSE_NAME
    if not database.exists():
        print("registrar build: nothing loaded; run `registrar load EXTRACT_DIR` first", file=sys.stderr)
        return 2
    try:
        built = build_step(database, Console(args.verbose), start_build(database, home.work))
        quality = run_checks(database, built, Console(args.verbose))
    except RefreshFailed as failure:
        print(failure.report, file=sys.stderr)
        return 1
    if quality.blocking:
        print(quality.summary(), file=sys.stderr)
        return 1
    _print(f"Built and checked {database} (not published: `registrar refresh EXTRACT_DIR` publishes)")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from registrar.pipeline.docs import generate_docs

    home = Home.from_env()
    try:
        site = generate_docs(home, _print)
    except RuntimeError as exc:
        print(f"registrar docs: {exc}", file=sys.stderr)
        return 1
    _print(f"Documentation site: {site}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write one report from the published warehouse, or list them; a refused parameter exits 2
    with the reason and writes no file."""
    from registrar.common.i18n import t
    from registrar.common.warehouse import NoWarehouse, Warehouse
    from registrar.reports import catalog, params, run
    from registrar.reports.base import ReportError
    from registrar.reports.export import write_atomically

    lang = args.lang or "en"
    if args.list:
        for report in catalog.reports().values():
            taken = [f"{params.OPTION[p]} ({t('report_required', lang)})" for p in report.required]
            taken += [params.OPTION[p] for p in report.optional]
            _print(f"{report.name}: {t(report.description_key, lang)}")
            _print(f"    {t('report_parameters', lang)}: {', '.join(taken) or '—'}; "
                   f"{t('report_formats', lang)}: {', '.join(report.formats)}")
        return 0
    if not args.name or not args.format:
        print("registrar report: give a report NAME and --format (or --list)", file=sys.stderr)
        return 2
    wh = Warehouse.published()
    try:
        report = catalog.get(args.name)
        with wh.cursor() as con:
            parsed = params.parse(report, con, fmt=args.format, lang=lang, as_of=args.as_of,
                                  quarter=args.quarter, date_from=args.date_from, date_to=args.date_to,
                                  student=args.student, faculty=args.faculty, year=args.year, term=args.term)
            produced = run.produce(report, parsed, (args.format,), con)[args.format]
    except NoWarehouse as missing:
        print(f"registrar report: {missing}", file=sys.stderr)
        return 2
    except ReportError as refused:
        print(f"registrar report: {refused}", file=sys.stderr)
        return 2
    finally:
        wh.close()
    out = Path(args.out) if args.out else Path.cwd() / produced.file_name
    write_atomically(produced.data, out)
    _print(f"Wrote {out} ({len(produced.data):,} bytes)")
    return 0


LOOPBACK = ("127.0.0.1", "::1", "localhost")
# Streamlit's options for every serve: no error details, tracebacks or developer menu (rerun,
# clear cache) in the browser (issue 21 finding 11)
HARDENING = ("--client.showErrorDetails", "none", "--client.toolbarMode", "minimal",
             "--client.disableDataExport", "true",  # no CSV export of st.dataframe (finding 5)
             "--server.enableXsrfProtection", "true", "--server.enableCORS", "true",
             "--server.enableStaticServing", "false", "--server.enableAgentApi", "false",
             "--server.runOnSave", "false", "--browser.gatherUsageStats", "false")
# Streamlit runs a full garbage collection after every script run by default: with 50 sessions it was
# half the server's CPU, all of it holding the interpreter lock every page run waits for (measured in
# bench/README.md, "Served as deployed"). Python's own generational collection still runs; the memory that
# matters (query results) is bounded by the query cache.
# It also watches the source files of every imported module, to rerun on a change: for each new
# session and after each run it walks the paths of all of them (0.8 s a session, 50 % of a sign-in's
# CPU). A served install never changes its code under a running server: an upgrade restarts it.
TUNING = ("--runner.postScriptGC", "false", "--server.fileWatcherType", "none")


def serve_command(port: int, address: str, hosts: list[str] | None = None) -> list[str]:
    """The `streamlit run` command of `registrar serve`: listening on `address` only (default
    the loopback: a reverse proxy in front of it terminates TLS), answering only to the host names
    `hosts` (the address itself, and localhost for the loopback), hardened (HARDENING)."""
    allowed = list(dict.fromkeys(hosts or ([address, "localhost"] if address in LOOPBACK else [address])))
    command = [
        # app.py with the session cookie's route and the middleware of the frame and content-type headers
        sys.executable, "-m", "streamlit", "run", str(PROJECT_DIR / "dashboards" / "serve.py"),
        "--server.address", address, "--server.port", str(port), "--server.headless", "true",
        "--browser.serverAddress", allowed[0], "--browser.serverPort", str(port), *HARDENING, *TUNING,
        "--server.maxUploadSize", str(upload_megabytes()),
    ]
    for host in allowed:
        command += ["--server.allowedHosts", host]
    return command


def upload_megabytes() -> int:
    """Streamlit's limit of one uploaded file: the Data refresh page's limit of a whole upload
    (setting upload_max_megabytes), which registrar/pipeline/upload.py enforces itself."""
    import math

    from policy import settings

    return max(math.ceil(float(settings().get("upload_max_megabytes", 500))), 1)


def _processes(text: str) -> int:
    number = int(text)
    if not 1 <= number <= MAX_PROCESSES:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_PROCESSES}")
    return number


MAX_PROCESSES = 32


def served_url(address: str, port: int) -> str:
    return f"http://[{address}]:{port}" if ":" in address else f"http://{address}:{port}"


def cmd_serve(args: argparse.Namespace) -> int:
    env = {**os.environ, "REGISTRAR_HOME": str(Home.from_env().root)}
    if args.processes == 1:
        command = serve_command(args.port, args.address, args.host)
        _print(f"Serving the dashboards on {served_url(args.address, args.port)} (listening on {args.address} only)")
        return subprocess.call(command, env=env)
    # One Python process runs one page at a time (its interpreter lock), so one process uses one core
    # however many sessions wait. Each process here is a whole dashboards server on its own port; the
    # reverse proxy in front keeps every browser to one of them (deploy/nginx/registrar.conf), as
    # Streamlit keeps a session, its uploads and downloads in the memory of the process serving it.
    # What sessions share (sign-ins, the throttle, the audit log, the published warehouse) is in the
    # home, under file locks.
    ports = [args.port + n for n in range(args.processes)]
    _print(f"Serving the dashboards in {len(ports)} processes on "
           f"{', '.join(served_url(args.address, p) for p in ports)} (listening on {args.address} only; "
           "a reverse proxy in front keeps each browser to one of them)")
    return _supervise([subprocess.Popen(serve_command(p, args.address, args.host), env=env) for p in ports])


def _supervise(children: list[subprocess.Popen[bytes]]) -> int:
    """Wait for the server processes; when one ends (or this one is asked to stop), stop the others
    and end with its exit code, so that the service manager restarts the whole server."""
    import signal

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    code = 0
    try:
        while all((code := child.poll()) is None for child in children):
            time.sleep(0.5)
    except SystemExit as asked:
        code = int(asked.code or 0)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return code or 0


def _read_password(prompt: str, confirm: bool) -> str:
    """The password from the terminal (not echoed, asked twice), or the first line of standard
    input when that is not a terminal (a script); never a command-line argument."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def _demo_users() -> int:
    """`make run`: a user per role on the demo university, and how to sign in as each."""
    from registrar.access.users import UserError, demo_users, real_users

    real = real_users()
    if real:
        raise UserError(f"this data directory has real users ({', '.join(real[:5])}"
                        f"{', …' if len(real) > 5 else ''}): demo users with printed passwords are "
                        "for a demo data directory only")
    made = demo_users()
    if not any(u.role == "dean" for u, _ in made):
        _print("No published warehouse yet: the demo dean and advisor are left out")
    _print("Demo users (DEMO ONLY: these passwords are printed because this is a demo; on a real server add")
    _print("users with `registrar user add NAME --role ROLE` and remove these with `registrar user remove`):")
    for user, password in made:
        scope = {"dean": f" of faculty {', '.join(user.faculties)}",
                 "advisor": f" {user.advisor_id}"}.get(user.role, "")
        _print(f"  {user.name:<16} password {password:<16} {user.role}{scope}")
    return 0


def _end_sessions(name: str, reason: str) -> str:
    """End every dashboard session of a user (registrar/access/sessions.py), audited; says how many."""
    from registrar.access import audit
    from registrar.access.sessions import Sessions
    from registrar.pipeline.history import who

    ended = Sessions.of().end_user(name)
    audit.record("session_revoked", name, reason=reason, sessions=ended, by=who(), source="cli")
    return f"ended {ended} signed-in session{'' if ended == 1 else 's'}"


def cmd_user(args: argparse.Namespace) -> int:
    """Manage the dashboards' users (registrar/access/users.py); the users file is under $REGISTRAR_HOME."""
    from registrar.access.users import User, UserError, Users, check_user

    users = Users.of()
    try:
        if args.action == "demo":
            return _demo_users()
        if args.action == "list":
            _print("name\trole\tscope\tsign-in\tcreated")
            for user in users.all().values():
                _print(user.describe())
            return 0
        if args.action == "remove":
            users.remove(args.name)
            _print(f"Removed {args.name}; {_end_sessions(args.name, 'user removed')}")
            return 0
        if args.action == "passwd":
            if users.get(args.name) is None:
                raise UserError(f"no user {args.name!r}")
            users.set_password(args.name, _read_password(f"New password for {args.name}: ", confirm=True))
            _print(f"Changed the password of {args.name}; {_end_sessions(args.name, 'password changed')}")
            return 0
        new = check_user(User(args.name, args.role, tuple(args.faculty or ()), args.advisor))
        if users.get(new.name) is not None:
            raise UserError(f"user {new.name!r} exists; change the password with `registrar user passwd`")
        password = None if args.no_password else _read_password(f"Password for {args.name}: ", confirm=True)
        added = users.add(new, password)
        _print(f"Added {added.name} ({added.role}) to {users.path}")
        return 0
    except (UserError, ValueError) as refused:
        print(f"registrar user: {refused}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="registrar", description="Registrar Warehouse: load AIS extracts, build, check and publish."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write a synthetic university's extracts")
    demo.add_argument("--out", required=True, help="folder to write the extracts into")
    demo.add_argument("--students", type=int, default=5000, help="students ever admitted (default 5000)")
    demo.add_argument("--years", type=int, default=5, help="academic years of history (default 5)")
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.set_defaults(func=cmd_demo)

    ref = sub.add_parser("refresh", help="validate, load, build, check and publish a folder of extracts")
    ref.add_argument("extract_dir", nargs="?", help="the folder of the extract files (eleven required, two optional)")
    ref.add_argument("--from-drop", metavar="DROP_DIR",
                     help="instead of EXTRACT_DIR: the newest complete export (sub-folder) of a drop folder, "
                          "unless it was published already; one still being copied is never taken "
                          "(setting drop_quiet_minutes; docs/operations.md)")
    ref.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="wait this long for a running refresh instead of refusing at once")
    ref.add_argument("--accept-drop", action="store_true",
                     help="publish even when the headcount, students or grade rows fell by more than the "
                          "publish guard allows (rules C7); without it such a refresh is held (exit 4)")
    ref.add_argument("--full", action="store_true",
                     help="build the whole warehouse from the extracts, even where a nightly build could start "
                          "from the served warehouse and rebuild only the changed students (rules C8)")
    ref.add_argument("--started-by", metavar="USER",
                     help="the dashboard user who started it (the Data refresh page passes it); "
                          "default: this OS account")
    ref.add_argument("-v", "--verbose", action="store_true",
                     help="print every line (dbt's model by model) instead of a progress bar")
    ref.set_defaults(func=cmd_refresh)

    hist = sub.add_parser("history", help="list the kept published warehouses (newest first)")
    hist.set_defaults(func=cmd_history)

    back = sub.add_parser("rollback", help="serve a kept published warehouse again (default: the one before)")
    back.add_argument("run_id", nargs="?", help="the run to serve (see `registrar history`)")
    back.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                      help="wait this long for a running refresh instead of refusing at once")
    back.set_defaults(func=cmd_rollback)

    doctor = sub.add_parser("doctor", help="check this install and say what to fix")
    doctor.add_argument("--port", type=int, default=8501, help="the port `registrar serve` uses (default 8501)")
    doctor.add_argument("--address", default="127.0.0.1", help="the address it listens on (default 127.0.0.1)")
    doctor.add_argument("--processes", type=_processes, default=1, metavar="N",
                        help="its server processes, on ports PORT to PORT+N-1 (default 1)")
    doctor.set_defaults(func=cmd_doctor)

    load = sub.add_parser("load", help="only validate and load extracts into the work warehouse")
    load.add_argument("extract_dir")
    load.set_defaults(func=cmd_load)

    build = sub.add_parser("build", help="only build and check the work warehouse")
    build.add_argument("-v", "--verbose", action="store_true",
                       help="print every line (dbt's model by model) instead of a progress bar")
    build.set_defaults(func=cmd_build)

    docs = sub.add_parser("docs", help="generate the dbt documentation site of the published warehouse")
    docs.set_defaults(func=cmd_docs)

    rep = sub.add_parser("report", help="write a report from the published warehouse (--list lists them)")
    rep.add_argument("name", nargs="?", help="the report (see --list)")
    rep.add_argument("--list", action="store_true", help="list the reports with their parameters and formats")
    when = rep.add_mutually_exclusive_group()
    when.add_argument("--as-of", dest="as_of", metavar="DATE", help="a date, YYYY-MM-DD")
    when.add_argument("--quarter", metavar="YYYYQn", help="a quarter, e.g. 2025Q1")
    when.add_argument("--from", dest="date_from", metavar="DATE", help="first day of a period, YYYY-MM-DD")
    rep.add_argument("--to", dest="date_to", metavar="DATE", help="last day of the period, YYYY-MM-DD")
    rep.add_argument("--year", metavar="YYYY-YYYY", help="an academic year, e.g. 2024-2025")
    rep.add_argument("--term", metavar="TERM", help="a term of that year: 1, 2 or summer")
    rep.add_argument("--student", metavar="ID", help="a student ID")
    rep.add_argument("--faculty", metavar="CODE", help="a faculty code")
    rep.add_argument("--lang", choices=["kk", "ru", "en"], help="language of the report (default en)")
    rep.add_argument("--format", choices=["xlsx", "csv", "pdf"], help="file format")
    rep.add_argument("--out", metavar="FILE", help="file to write (default: <report>_<params>_<date>.<ext> here)")
    rep.set_defaults(func=cmd_report)

    from registrar.access.roles import ROLES

    user = sub.add_parser("user", help="manage who may sign in to the dashboards (passwords are prompted, "
                                       "or read from standard input; never given as arguments)")
    actions = user.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user with a role (and a dean's faculties, an advisor's ID)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--faculty", action="append", metavar="CODE", help="a dean's faculty (repeat for more)")
    add.add_argument("--advisor", metavar="ID", help="an advisor's advisor_id in the students extract")
    add.add_argument("--no-password", action="store_true",
                     help="no password: the user signs in only through the university's OIDC provider")
    for action, about in (("passwd", "change a user's password"), ("remove", "remove a user")):
        actions.add_parser(action, help=about).add_argument("name")
    actions.add_parser("list", help="list the users, their roles and scopes")
    actions.add_parser("demo", help="add a demo user per role (passwords printed: for the demo only)")
    user.set_defaults(func=cmd_user)

    serve = sub.add_parser("serve", help="serve the dashboards")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1: this machine only; put a reverse proxy "
                            "with TLS in front, or give 0.0.0.0 to listen on every interface)")
    serve.add_argument("--host", action="append", metavar="NAME",
                       help="a host name the browser uses for the server, e.g. registrar.uni.kz (repeat for more; "
                            "default the address, and localhost on the loopback); other names are refused")
    serve.add_argument("--processes", type=_processes, default=1, metavar="N",
                       help="server processes, on ports PORT to PORT+N-1 (default 1); one per core, behind a "
                            "reverse proxy that keeps each browser to one (docs/operations.md)")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.umask(PRIVATE_UMASK)  # what any command writes (and the server it starts) is the account's only
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
