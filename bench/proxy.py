"""The shipped nginx site (deploy/nginx/registrar.conf) in front of `registrar serve --processes N`,
for the load test: the same file a university installs, with only what names this machine changed
(the loopback and free ports instead of 80/443 and the server's name, a throw-away certificate, one
upstream line per server process). So the load test measures the server as it is deployed, route
cookie and TLS included.

nginx is Debian's binary that `make test` unpacks into .venv/tools/nginx (REGISTRAR_TEST_NGINX may
name another), or the one on the PATH; openssl makes the certificate."""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.shared import free_ports
from registrar.common.paths import PROJECT_DIR

SITE = PROJECT_DIR / "deploy" / "nginx" / "registrar.conf"
UNPACKED = Path(sys.prefix) / "tools" / "nginx" / "usr" / "sbin" / "nginx"  # `make test` puts it there


def nginx_binary() -> str | None:
    named = os.environ.get("REGISTRAR_TEST_NGINX")
    for found in (named, str(UNPACKED), shutil.which("nginx")):
        if found and os.access(found, os.X_OK):
            return found
    return None


def site_for(ports: list[int], plain: int, tls: int, cert: Path, key: Path) -> str:
    """The shipped site with this machine's addresses: listening on 127.0.0.1 only, forwarding to
    `ports`. Fails when the shipped file no longer has what it replaces (so the test notices)."""
    text = SITE.read_text(encoding="utf-8")
    changes = [
        (r"\n\s*listen \[::\]:\d+[^;]*;", ""),
        (r"listen 80;", f"listen 127.0.0.1:{plain};"),
        (r"listen 443 ssl", f"listen 127.0.0.1:{tls} ssl"),
        (r"server_name registrar\.uni\.kz;", "server_name 127.0.0.1;"),
        (r"/etc/ssl/registrar/fullchain\.pem", str(cert)),
        (r"/etc/ssl/registrar/privkey\.pem", str(key)),
        (r"(\n\s*server 127\.0\.0\.1:\d+;)+", "".join(f"\n    server 127.0.0.1:{p};" for p in ports)),
    ]
    for pattern, replacement in changes:
        text, count = re.subn(pattern, replacement.replace("\\", "\\\\"), text)
        if not count:
            raise RuntimeError(f"{SITE} has no {pattern!r} any more: adapt bench/proxy.py")
    return text


def client_context() -> ssl.SSLContext:
    """TLS to the throw-away certificate (made for this run, so not checked)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@contextmanager
def fronted(ports: list[int], folder: Path) -> Iterator[str]:
    """nginx with the shipped site in front of the server processes on `ports`, its files in `folder`;
    yields its https URL once it answers, and stops it when done."""
    binary = nginx_binary()
    if binary is None or shutil.which("openssl") is None:
        raise RuntimeError("no nginx (or openssl) here: `make browser` unpacks Debian's nginx")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    plain = free_ports(2)
    tls = plain + 1
    (folder / "registrar.conf").write_text(site_for(ports, plain, tls, cert, key), encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nworker_processes 1;\n"
        f"events {{ worker_connections 1024; }}\n"
        f"http {{ client_body_temp_path {folder / 'body'}; {temp} access_log off; "
        f"include {folder / 'registrar.conf'}; }}\n", encoding="utf-8")
    proc = subprocess.Popen([binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                             str(folder / "error.log"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", tls), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "error.log").read_text(encoding="utf-8", errors="replace")[-2000:]
                    raise RuntimeError(f"nginx did not start: {log}") from None
                time.sleep(0.1)
        yield f"https://127.0.0.1:{tls}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
