"""The server's hand-over route (dashboards/serve.py): a one-time token becomes the session cookie,
HttpOnly, SameSite=Strict, Path=/, Secure behind https; never from another site's page, never twice,
and never a way back to another site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from starlette.requests import Request

from registrar.access.sessions import COOKIE_NAME, HANDOVER_PATH, Sessions


def request(query: dict[str, str], headers: dict[str, str] | None = None, scheme: str = "http") -> Request:
    return Request({"type": "http", "method": "GET", "scheme": scheme, "path": HANDOVER_PATH,
                    "query_string": urlencode(query).encode(), "server": ("127.0.0.1", 8501),
                    "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]})


def set_cookie(response: object) -> str:
    return next((v.decode() for k, v in response.raw_headers if k == b"set-cookie"), "")  # type: ignore[attr-defined]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGISTRAR_HOME", str(tmp_path))
    return tmp_path


def test_a_token_becomes_an_httponly_strict_cookie_once(home: Path) -> None:
    from dashboards.serve import handover

    token = Sessions(home).start("a.dean", "password").token
    back = handover(request({"token": token, "next": "/student?student=S0001&lang=en"},
                            {"Sec-Fetch-Site": "same-origin"}))
    assert back.status_code == 303 and back.headers["location"] == "/student?student=S0001&lang=en"
    cookie = set_cookie(back)
    value = cookie.split(";")[0].removeprefix(f"{COOKIE_NAME}=")
    attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes and "secure" not in attributes
    assert not any(a.startswith(("max-age", "expires", "domain")) for a in attributes)
    assert Sessions(home).lookup_cookie(value).record is not None
    assert back.headers["cache-control"] == "no-store"
    again = handover(request({"token": token, "next": "/"}))
    assert again.status_code == 303 and not set_cookie(again)  # used once


def test_the_cookie_is_secure_behind_https(home: Path) -> None:
    from dashboards.serve import handover

    for asked in ({"scheme": "https"}, {"headers": {"X-Forwarded-Proto": "https"}}):
        token = Sessions(home).start("a.dean", "password").token
        cookie = set_cookie(handover(request({"token": token}, **asked)))  # type: ignore[arg-type]
        assert "secure" in {a.strip().lower() for a in cookie.split(";")[1:]}, asked


def test_no_cookie_for_a_navigation_another_site_started(home: Path) -> None:
    from dashboards.serve import handover

    for site in ("cross-site", "same-site"):
        token = Sessions(home).start("a.dean", "password").token
        assert not set_cookie(handover(request({"token": token}, {"Sec-Fetch-Site": site})))


@pytest.mark.parametrize("asked", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x",
                                   "student", "/a\r\nSet-Cookie: x=1", "", "/" + "a" * 3000])
def test_the_way_back_is_a_path_of_this_site(asked: str) -> None:
    from dashboards.serve import safe_next

    assert safe_next(asked) == "/"
    assert safe_next("/student?student=S0001&lang=kk") == "/student?student=S0001&lang=kk"
