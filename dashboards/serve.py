"""What `registrar serve` runs: the dashboards (app.py) as Streamlit's own ASGI app (`st.App`),
with one route of ours that sets the session cookie (registrar/access/sessions.py).

A sign-in happens over Streamlit's websocket, which cannot set a cookie. The sign-in form sends
the browser to `HANDOVER_PATH?token=…&next=…` with a one-time token; this route swaps the token
for the session cookie (HttpOnly, SameSite=Strict, Path=/, Secure when the browser came by
https) and sends the browser back to the page it signed in on. A token is good once, for a minute,
and only from this site's own pages (a navigation another site started is refused, so no one can
sign a browser in as somebody else).
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
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


app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=[Route(HANDOVER_PATH, handover)])
