"""`registrar serve` (issue 21 findings 3 and 11): the command line it starts Streamlit with
listens on the loopback unless told otherwise, answers only to known host names, prints the
address it really listens on, and hides error details and the developer menu."""

from __future__ import annotations

import pytest
from streamlit import config as st_config

from registrar import cli


def options(command: list[str]) -> dict[str, list[str]]:
    """The `--section.option value` pairs of a streamlit command, by option."""
    found: dict[str, list[str]] = {}
    flags = command[command.index("run") + 2:]
    for flag, value in zip(flags[::2], flags[1::2], strict=True):
        assert flag.startswith("--"), flags
        found.setdefault(flag[2:], []).append(value)
    return found


def started(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> list[str]:
    """The command `registrar serve ARGV` would start (nothing is started)."""
    calls: list[list[str]] = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command, env: calls.append(command) or 0)
    assert cli.main(["serve", *argv]) == 0
    return calls[0]


def test_serve_listens_on_the_loopback_by_default_and_says_where(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    found = options(started(monkeypatch, ["--port", "8600"]))
    assert found["server.address"] == ["127.0.0.1"] and found["server.port"] == ["8600"]
    assert found["server.allowedHosts"] == ["127.0.0.1", "localhost"]  # a rebinding name is refused
    assert found["browser.serverAddress"] == ["127.0.0.1"]
    assert "http://127.0.0.1:8600" in capsys.readouterr().out


def test_serve_on_another_address_answers_only_to_the_names_given(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    found = options(started(monkeypatch, ["--address", "10.0.0.5", "--host", "registrar.uni.kz"]))
    assert found["server.address"] == ["10.0.0.5"] and found["server.allowedHosts"] == ["registrar.uni.kz"]
    assert found["browser.serverAddress"] == ["registrar.uni.kz"]
    assert "http://10.0.0.5:8501" in capsys.readouterr().out
    assert options(cli.serve_command(8501, "0.0.0.0"))["server.allowedHosts"] == ["0.0.0.0"]


def test_serve_hides_error_details_and_the_developer_menu() -> None:
    found = options(cli.serve_command(8501, "127.0.0.1"))
    assert found["client.showErrorDetails"] == ["none"] and found["client.toolbarMode"] == ["minimal"]
    assert found["server.enableXsrfProtection"] == ["true"] and found["server.enableCORS"] == ["true"]
    assert found["server.headless"] == ["true"] and found["browser.gatherUsageStats"] == ["false"]
    known = st_config._config_options_template  # every option is one this Streamlit has
    assert not set(found) - set(known), set(found) - set(known)


def test_serve_switches_off_the_csv_export_of_every_table() -> None:
    """Issue 21 finding 5: a table leaves the server only by a recorded download button."""
    assert options(cli.serve_command(8501, "127.0.0.1"))["client.disableDataExport"] == ["true"]


def test_serve_sends_the_frame_and_content_type_headers_on_every_response() -> None:
    """Issue 21 finding 11: `registrar serve` runs app.py as the `st.App` of dashboards/serve.py,
    whose middleware adds the headers to every HTTP response (replacing one already there) and lets
    websockets pass."""
    import asyncio

    from streamlit.web.server.app_discovery import discover_asgi_app

    from dashboards import serve
    from registrar.common.paths import PROJECT_DIR

    command = cli.serve_command(8501, "127.0.0.1")
    script = command[command.index("run") + 1]
    assert script == str(PROJECT_DIR / "dashboards" / "serve.py")
    found = discover_asgi_app(PROJECT_DIR / "dashboards" / "serve.py")  # what `streamlit run` looks for
    assert found.is_asgi_app and found.app_name == "app"

    sent: list[dict[str, object]] = []

    async def inner(scope: dict[str, object], receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200,  # type: ignore[operator]
                    "headers": [(b"content-type", b"text/html"), (b"X-Content-Type-Options", b"nosniff")]})
        await send({"type": "http.response.body", "body": b"<html>"})  # type: ignore[operator]

    async def record(message: dict[str, object]) -> None:
        sent.append(message)

    async def receive() -> dict[str, object]:
        return {"type": "http.request"}

    wrapped = serve.SecurityHeaders(inner)
    asyncio.run(wrapped({"type": "http"}, receive, record))
    headers = [(k.lower(), v) for k, v in sent[0]["headers"]]  # type: ignore[union-attr]
    assert (b"x-frame-options", b"DENY") in headers
    assert (b"content-security-policy", b"frame-ancestors 'none'") in headers
    assert [k for k, _ in headers].count(b"x-content-type-options") == 1 and (b"content-type", b"text/html") in headers
    sent.clear()
    asyncio.run(wrapped({"type": "websocket"}, receive, record))
    assert sent[0]["headers"] == [(b"content-type", b"text/html"), (b"X-Content-Type-Options", b"nosniff")]


def test_serve_in_several_processes_starts_one_server_per_port_and_stops_them_together(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`--processes 2`: two whole servers on PORT and PORT+1 (nginx keeps each browser to one);
    when one ends, the other is stopped and its exit code is the command's (systemd restarts both)."""

    class Child:
        made: list[Child] = []

        def __init__(self, command: list[str], env: dict[str, str]) -> None:
            self.command, self.code, self.stopped = command, None if Child.made else 3, False
            Child.made.append(self)

        def poll(self) -> int | None:
            return self.code

        def terminate(self) -> None:
            self.stopped, self.code = True, -15

        def wait(self, timeout: float | None = None) -> int | None:
            return self.code

    monkeypatch.setattr(cli.subprocess, "Popen", Child)
    assert cli.main(["serve", "--port", "8600", "--processes", "2"]) == 3
    assert [options(c.command)["server.port"] for c in Child.made] == [["8600"], ["8601"]]
    assert Child.made[1].stopped and not Child.made[0].stopped
    assert "http://127.0.0.1:8600, http://127.0.0.1:8601" in capsys.readouterr().out
    for refused in ("0", "33", "two"):
        with pytest.raises(SystemExit):
            cli.main(["serve", "--processes", refused])


def test_serve_neither_collects_garbage_nor_watches_source_files_after_every_page_run(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit's full collection after each run was half the server's CPU under load, and its watch
    of every imported module's source half of a sign-in's (bench/README.md, "Served as deployed")."""
    found = options(started(monkeypatch, []))
    assert found["runner.postScriptGC"] == ["false"]
    assert found["server.fileWatcherType"] == ["none"]
