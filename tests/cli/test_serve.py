"""``threadline serve`` (``make demo``): a taken port is refused before anything changes, and the
demo passwords stay the same from one run to the next."""

from __future__ import annotations

import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from threadline.cli import app
from threadline.guard import UserRole, authenticate
from threadline.store import open_store


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """uvicorn.run replaced by a recorder: the command returns once it would serve."""
    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: served.append(kw))
    return served


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(store_url: str, port: int, passwords: Path) -> tuple[int, str]:
    argv = ["serve", "--db", store_url, "--port", str(port), "--demo-users"]
    done = CliRunner().invoke(app, [*argv, "--demo-passwords", str(passwords)])
    return done.exit_code, done.output


def test_a_second_demo_on_a_taken_port_is_refused_and_changes_no_password(
    store_url: str, tmp_path: Path, taken_port: int, no_server: list[object]
) -> None:
    passwords = tmp_path / "demo-passwords.txt"
    code, _ = _serve(store_url, _free_port(), passwords)
    assert code == 0 and len(no_server) == 1
    # an idle connection is kept longer than the common proxies keep theirs (uvicorn's own
    # default of 5 s reset a browser's request sent on a connection the server was closing)
    assert no_server[0]["timeout_keep_alive"] == 75  # type: ignore[index]
    before = passwords.read_text()

    code, output = _serve(store_url, taken_port, passwords)

    assert code == 1
    assert f"Port {taken_port} on 127.0.0.1 is in use" in output and "PORT=" in output
    assert len(no_server) == 1, "the refused run must not start a server"
    assert passwords.read_text() == before
    engine = open_store(store_url)
    for line in before.splitlines():
        user, password = line.split(" ", 1)
        assert authenticate(engine, user, password) is not None, user


def test_demo_passwords_are_kept_across_runs_and_the_file_is_private(
    store_url: str, tmp_path: Path, no_server: list[object]
) -> None:
    passwords = tmp_path / "var" / "demo-passwords.txt"
    code, first_output = _serve(store_url, _free_port(), passwords)
    assert code == 0
    first = passwords.read_text()
    assert len(first.splitlines()) == len(UserRole)
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600

    code, second_output = _serve(store_url, _free_port(), passwords)

    assert code == 0 and passwords.read_text() == first
    for line in first.splitlines():
        user, password = line.split(" ", 1)
        assert password in second_output
        assert authenticate(open_store(store_url), user, password) is not None


def test_a_demo_password_that_no_longer_signs_in_is_replaced(
    store_url: str, tmp_path: Path, no_server: list[object]
) -> None:
    passwords = tmp_path / "demo-passwords.txt"
    passwords.write_text("demo-officer not-the-password-at-all\n")
    code, _ = _serve(store_url, _free_port(), passwords)
    assert code == 0
    saved = dict(line.split(" ", 1) for line in passwords.read_text().splitlines())
    assert saved["demo-officer"] != "not-the-password-at-all"
    assert authenticate(open_store(store_url), "demo-officer", saved["demo-officer"]) is not None
