"""The dashboards as `registrar serve` starts them: app.py on Streamlit's own server, given as an
`st.App` so that a middleware of ours adds the response headers Streamlit does not set itself
(issue 21 finding 11). `streamlit run dashboards/serve_app.py` finds `app` and serves it with
every `--server.*`/`--client.*` option as for app.py; `streamlit run dashboards/app.py` (make run,
AppTest) still works, without these headers.

- `X-Frame-Options: DENY` and `Content-Security-Policy: frame-ancestors 'none'`: no other site may
  show the dashboards in a frame (clickjacking a signed-in registrar).
- `X-Content-Type-Options: nosniff`: a browser takes every response as the type the server says.

This module imports only Streamlit and Starlette: uvicorn imports it by name (`serve_app:app`)
with only this folder on the path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

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


app = st.App("app.py", middleware=[Middleware(SecurityHeaders)])
