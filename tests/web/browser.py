"""What every browser test shares: Debian's chromium, the app served on a free local port, and
signing in through the login form. The ``page`` fixture that opens chromium is in
``tests/web/conftest.py``; each test module builds its own store and serves it with :func:`served`.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    """Debian's chromium and the playwright package, or the test is skipped (failed on CI)."""
    path = os.environ.get("THREADLINE_TEST_CHROMIUM", "/usr/bin/chromium")
    if not (shutil.which(path) or Path(path).is_file()):
        message = (
            f"no chromium at {path}: apt-get install -y chromium (or set THREADLINE_TEST_CHROMIUM)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("the playwright package is missing: pip install -e '.[browser]'")
        pytest.skip("pip install playwright (the [browser] extra) to run browser tests")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a background thread; yields its base URL, stops it after."""
    import uvicorn

    port = free_port()
    from threadline.cli.serve import KEEP_ALIVE_SECONDS  # as threadline serve keeps them

    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "the app did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def sign_in(page: Any, base_url: str, passwords: Mapping[str, str], role: str, path: str) -> None:
    """Sign in as the demo user of ``role`` from a fresh session: ``path`` sends to the login
    form, which sends back once signed in."""
    page.context.clear_cookies()
    page.goto(f"{base_url}{path}")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill(f"demo-{role.replace('_', '-')}")
    page.get_by_label("Password").fill(passwords[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))
