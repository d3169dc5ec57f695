"""The files of deploy/ that docs/operations.md tells a server's administrator to install: the
systemd units run real `registrar` command lines, as one account on one data directory, and
verify with systemd's own checker; the nginx site forwards Streamlit's websocket to the loopback
port the service listens on, with TLS and HSTS, and parses with `nginx -t`.

`systemd-analyze` and `nginx` run when this machine has them (`REGISTRAR_TEST_NGINX` may name an
nginx binary elsewhere); the checks of what the files hold run everywhere."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.proxy import nginx_binary  # the one lookup: REGISTRAR_TEST_NGINX, the unpacked one, the PATH
from registrar import cli
from registrar.common.paths import PROJECT_DIR

SYSTEMD = PROJECT_DIR / "deploy" / "systemd"
NGINX_SITE = PROJECT_DIR / "deploy" / "nginx" / "registrar.conf"
UNITS = ("registrar-serve.service", "registrar-refresh.service", "registrar-refresh.timer")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((SYSTEMD / name).read_text(encoding="utf-8"))
    return parser


def exec_start(name: str) -> list[str]:
    return shlex.split(unit(name)["Service"]["ExecStart"])


def test_the_units_run_real_registrar_commands_as_one_account_on_one_home() -> None:
    serve, refresh = exec_start("registrar-serve.service"), exec_start("registrar-refresh.service")
    for command in (serve, refresh):
        assert command[0].endswith("/.venv/bin/registrar"), command
    served = cli.build_parser().parse_args(serve[1:])
    assert served.func is cli.cmd_serve and served.address == "127.0.0.1"  # the loopback: nginx is in front
    refreshed = cli.build_parser().parse_args(refresh[1:])
    assert refreshed.func is cli.cmd_refresh and refreshed.from_drop and refreshed.extract_dir is None
    services = [unit(n)["Service"] for n in UNITS[:2]]
    for key in ("User", "Group", "Environment", "WorkingDirectory", "UMask", "StateDirectory"):
        assert services[0][key] == services[1][key], key
    assert services[0]["User"] == "registrar" and services[0]["UMask"] == "0077"
    assert services[0]["Environment"].startswith("REGISTRAR_HOME=/var/lib/registrar/")
    assert services[1]["Type"] == "oneshot"
    timer = unit("registrar-refresh.timer")["Timer"]
    assert timer["Unit"] == "registrar-refresh.service" and timer["Persistent"] == "true" and timer["OnCalendar"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze on this machine")
def test_the_units_verify_with_systemd(tmp_path: Path) -> None:
    """systemd's checker, with the ExecStart path of this checkout (it must exist); any line it
    prints (an unknown key, a bad calendar) fails."""
    here = str(Path(sys.executable).parent / "registrar")
    for name in UNITS:
        text = (SYSTEMD / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("/opt/registrar-warehouse/.venv/bin/registrar", here),
                                     encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "SYSTEMD_LOG_COLOR": "0"})
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stdout + done.stderr


def blocks(text: str) -> list[tuple[list[str], object]]:
    """nginx configuration as nested (directive words, children or None) lists."""
    tokens = re.findall(r'"[^"]*"|\'[^\']*\'|[{};]|[^\s{};]+', re.sub(r"#[^\n]*", "", text))
    stack: list[list[tuple[list[str], object]]] = [[]]
    words: list[str] = []
    for token in tokens:
        if token == ";":
            stack[-1].append((words, None))
            words = []
        elif token == "{":
            children: list[tuple[list[str], object]] = []
            stack[-1].append((words, children))
            stack.append(children)
            words = []
        elif token == "}":
            stack.pop()
        else:
            words.append(token.strip("'\""))
    assert len(stack) == 1 and not words, "unbalanced braces"
    return stack[0]


def directives(block: list[tuple[list[str], object]], name: str) -> list[list[str]]:
    return [words[1:] for words, children in block if words[0] == name and children is None]


def test_the_nginx_site_forwards_the_websocket_to_the_loopback_with_tls_and_hsts() -> None:
    site = blocks(NGINX_SITE.read_text(encoding="utf-8"))
    [upstream] = [children for words, children in site if words[:2] == ["upstream", "registrar_dashboards"]]
    served = cli.build_parser().parse_args(exec_start("registrar-serve.service")[1:])
    # every port the service's processes listen on, and only those
    assert directives(upstream, "server") == [[f"127.0.0.1:{served.port + n}"] for n in range(served.processes)]
    servers = [children for words, children in site if words == ["server"]]
    [tls] = [s for s in servers if ["443", "ssl", "http2"] in directives(s, "listen")]
    [plain] = [s for s in servers if s is not tls]
    assert directives(plain, "return") == [["301", "https://$host$request_uri"]]
    assert directives(tls, "ssl_certificate") and directives(tls, "ssl_certificate_key")
    assert {p for d in directives(tls, "ssl_protocols") for p in d} <= {"TLSv1.2", "TLSv1.3"}
    headers = {d[0]: d[1:] for d in directives(tls, "add_header")}
    hsts = headers["Strict-Transport-Security"]
    assert hsts[0].startswith("max-age=") and hsts[1] == "always"  # on every answer, errors included
    locations = {tuple(words[1:]): children for words, children in tls if words[0] == "location"}
    stream = locations[("=", "/_stcore/stream")]
    for location in (stream, locations[("/",)]):
        assert directives(location, "proxy_pass") == [["http://registrar_dashboards"]]
        assert ["1.1"] in directives(location, "proxy_http_version")
        assert ["Host", "$http_host"] in directives(location, "proxy_set_header")
    assert ["Upgrade", "$http_upgrade"] in directives(stream, "proxy_set_header")
    [connection] = [d[1] for d in directives(stream, "proxy_set_header") if d[0] == "Connection"]
    [mapped] = [children for words, children in site if words[:3] == ["map", "$http_upgrade", connection]]
    assert ["default", "upgrade"] in [words for words, _ in mapped]
    assert directives(stream, "proxy_read_timeout")  # a websocket stays open as long as the tab


def test_the_nginx_site_keeps_each_browser_to_one_server_process() -> None:
    """Streamlit keeps a session, its uploads and downloads in the memory of one process: with more
    than one, the proxy must send every request of a browser to the same one (a route cookie that
    the first answer sets and the upstream is hashed on), or a download or an upload fails."""
    site = blocks(NGINX_SITE.read_text(encoding="utf-8"))
    [upstream] = [children for words, children in site if words[:2] == ["upstream", "registrar_dashboards"]]
    [(variable, *rest)] = directives(upstream, "hash")
    assert rest == ["consistent"]  # a process that stops moves only its own browsers
    maps = {tuple(words[1:3]): {w[0]: w[1] for w, _ in children} for words, children in site if words[0] == "map"}
    route = maps[("$cookie_registrar_route", variable)]
    assert route["default"] == "$cookie_registrar_route" and route[""] == "$request_id"
    [tls] = [children for words, children in site if words == ["server"]
             and ["443", "ssl", "http2"] in directives(children, "listen")]
    [given] = [d[1] for d in directives(tls, "add_header") if d[0] == "Set-Cookie"]
    cookie = maps[("$cookie_registrar_route", given)]
    assert cookie["default"] == ""  # set only for a browser that has none
    assert cookie[""].startswith("registrar_route=$request_id;")
    assert {"Path=/", "HttpOnly", "Secure"} <= {p.strip() for p in cookie[""].split(";")}
    # every location inherits it: a location with its own add_header would drop the server's
    assert not [words for words, children in tls if words[0] == "location" and directives(children, "add_header")]


@pytest.mark.skipif(nginx_binary() is None or shutil.which("openssl") is None,
                    reason="no nginx (or openssl) on this machine")
def test_the_nginx_site_parses(tmp_path: Path) -> None:
    """`nginx -t` on the site inside a minimal nginx.conf, with a throw-away certificate."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=registrar.uni.kz", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    site = NGINX_SITE.read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/registrar/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/ssl/registrar/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "registrar.conf").write_text(site, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {tmp_path / kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{ client_body_temp_path {tmp_path / 'body'}; {temp} access_log off; "
        f"include {tmp_path / 'registrar.conf'}; }}\n", encoding="utf-8")
    done = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                           "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr


@pytest.mark.skipif(nginx_binary() is None or shutil.which("openssl") is None,
                    reason="no nginx (or openssl) on this machine")
def test_the_nginx_site_sends_a_browser_always_to_the_same_process(tmp_path: Path) -> None:
    """The shipped site run by nginx in front of two stand-in server processes (each answers its own
    port): a browser's first answer sets the route cookie, and every later request with it (the page,
    the websocket's path, a download) reaches the same process; new browsers are spread over both."""
    import http.client
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from bench import proxy

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            body = str(self.server.server_address[1]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Answer) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports = [s.server_address[1] for s in servers]
    try:
        with proxy.fronted(ports, tmp_path / "nginx") as url:
            host, port = url.removeprefix("https://").split(":")

            def get(path: str, cookie: str | None) -> tuple[int, str | None]:
                conn = http.client.HTTPSConnection(host, int(port), timeout=10, context=proxy.client_context())
                try:
                    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                    answer = conn.getresponse()
                    return int(answer.read()), answer.getheader("Set-Cookie")
                finally:
                    conn.close()

            first_seen: list[int] = []
            for _browser in range(16):
                served, given = get("/", None)
                assert given and given.startswith("registrar_route=") and "HttpOnly" in given and "Secure" in given
                cookie = given.split(";", 1)[0]
                for path in ("/", "/_stcore/stream", "/media/a.xlsx", "/attestation?lang=kk"):
                    again, set_again = get(path, cookie)
                    assert again == served, (path, cookie)
                    assert set_again is None  # the browser's cookie stays as it is
                first_seen.append(served)
            assert set(first_seen) == set(ports)  # 16 new browsers all on one process: 1 in 32,768
    finally:
        for server in servers:
            server.shutdown()
