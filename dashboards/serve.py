"""What `registrar serve` runs: the dashboards (app.py) as Streamlit's own ASGI app (`st.App`),
with one route of ours that sets the session cookie (registrar/access/sessions.py) and a
middleware that adds the response headers Streamlit does not set itself (issue 21 finding 11):

- `X-Frame-Options: DENY` and `Content-Security-Policy: frame-ancestors 'none'`: no other site may
  show the dashboards in a frame (clickjacking a signed-in registrar).
- `X-Content-Type-Options: nosniff`: a browser takes every response as the type the server says.

`streamlit run dashboards/serve.py` finds `app` and serves it with every `--server.*`/`--client.*`
option as for app.py; `streamlit run dashboards/app.py` (AppTest) still works, without these.

A sign-in happens over Streamlit's websocket, which cannot set a cookie. The sign-in form sends
the browser to `HANDOVER_PATH?token=…&next=…` with a one-time token; this route swaps the token
for the session cookie (HttpOnly, SameSite=Strict, Path=/, Secure when the browser came by
https) and sends the browser back to the page it signed in on. A token is good once, for a minute,
and only from this site's own pages (a navigation another site started is refused, so no one can
sign a browser in as somebody else).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

# `streamlit run` puts only this folder on the path; the project root holds the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registrar.access.sessions import COOKIE_NAME, HANDOVER_PATH, Sessions  # noqa: E402


def safe_next(asked: str | None) -> str:
    """A path of this site to go back to (an absolute path with its query), never another site."""
    if not asked or len(asked) > 2048 or not asked.isascii() or not asked.startswith("/") \
            or asked.startswith("//") or "\\" in asked or any(ord(c) < 0x20 for c in asked):
        return "/"
    parts = urlsplit(asked)
    if parts.scheme or parts.netloc:
        return "/"
    return asked


def came_by_https(request: Request) -> bool:
    """Whether the browser reached the server by https (directly, or through a TLS proxy that says
    so): then the cookie is Secure. A client that claims https over plain http only loses its cookie."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def handover(request: Request) -> Response:
    """Swap a one-time sign-in token for the session cookie, then go back to the page."""
    back = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    back.headers["Cache-Control"] = "no-store"
    back.headers["Referrer-Policy"] = "no-referrer"
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return back  # started by another site: no cookie
    redeemed = Sessions.of().redeem(request.query_params.get("token", ""))
    if redeemed is not None:
        value, _record = redeemed
        back.set_cookie(COOKIE_NAME, value, httponly=True, samesite="strict", path="/",
                        secure=came_by_https(request))  # no Max-Age: it ends with the browser
    return back


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

SECURITY_HEADERS: dict[bytes, bytes] = {
    b"x-frame-options": b"DENY",
    b"content-security-policy": b"frame-ancestors 'none'",
    b"x-content-type-options": b"nosniff",
}


class SecurityHeaders:
    """ASGI middleware: every HTTP response gets SECURITY_HEADERS (a header the response already
    has of the same name is replaced, so none is sent twice); websockets pass unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in SECURITY_HEADERS]
                message["headers"] = kept + list(SECURITY_HEADERS.items())
            await send(message)

        await self.app(scope, receive, with_headers)


def warm_up() -> None:
    """Import what the pages use (pandas, plotly, DuckDB, the queries, the reports) once, as the
    server starts: else the first page runs after a start or a restart import them all at once, each
    waiting for the others (the first minute of the load test: 50 people signing in after a start)."""
    import importlib
    import pkgutil

    import dashboards
    import dashboards.queries
    from registrar.reports import catalog

    for package in (dashboards, dashboards.queries):
        for found in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if found.name not in ("dashboards.app", "dashboards.serve", "dashboards.views"):
                importlib.import_module(found.name)
    catalog.reports()


warm_up()

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=[Route(HANDOVER_PATH, handover)],
             middleware=[Middleware(SecurityHeaders)])
