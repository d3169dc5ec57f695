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

