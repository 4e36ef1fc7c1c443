"""Schemathesis against the served API, as each role and signed out: every status and body a
route gives must be the ones its OpenAPI states (``--checks all``, 0 failures).

The app runs on a copy of the resolved small force (real people, incidents, alerts, a linkage
model) under uvicorn on a free loopback port; ``schemathesis run`` is pointed at its
``/openapi.json`` once per role with that role's bearer token (bearer requests need no CSRF
token), and once with no credentials. Each run is bounded: 50 examples per operation and
``RUN_SECONDS`` for the whole run.

``POST /api/logout`` is left out of the signed-in runs: it ends every token of its user (as it
must), which would leave the rest of the run signed out; the signed-out run covers it. The
administrator runs last, since its account changes can disable or re-role the other users.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher

from api_client import NOW, PASSWORD
from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.guard import UserRole, create_user
from threadline.settings import Settings

pytestmark = pytest.mark.slow

RUN_SECONDS = int(os.environ.get("THREADLINE_SCHEMATHESIS_SECONDS", "35"))
EXAMPLES = 50
#: signed out first, the administrator last (see the module docstring)
RUNS = ["signed_out", *(r.value for r in UserRole if r is not UserRole.admin), "admin"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(
    resolved_force: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    """(base URL, bearer token per role) of the app served on a copy of the resolved force."""
    import shutil

    from threadline.store import open_store

    path, model = resolved_force
    copy = tmp_path_factory.mktemp("schemathesis") / "store.db"
    shutil.copy(path, copy)
    engine = open_store(f"sqlite:///{copy}")
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    users = {
        role.value: create_user(
            engine, role.value.replace("_", "-"), role.value, role, PASSWORD, NOW, hasher=hasher
        )
        for role in UserRole
    }
    config = ApiConfig(
        session_secret="s", rate_limit_per_minute=1e7, rate_limit_burst=10**7, secure_cookies=False
    )
    app = create_app(
        Settings(), engine, config=config, clock=lambda: NOW, password_hasher=hasher,
        linkage_model=model,
    )  # fmt: skip
    tokens = {role: app.state.tokens.issue(user) for role, user in users.items()}
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield base, tokens
    server.should_exit = True
    thread.join(10)
    engine.dispose()


#: Operations whose answers turn on what no JSON Schema states, where a schema-valid request may
#: rightly be refused, naming the field: a search needs a detail its normalisers can use; a
#: record's references must be printable and its answers the named checklist's questions; a new
#: password must pass the strength policy; a saved audit head is both numbers or neither; the
#: mentions split off a person must be that person's (a fact of the store, not of the schema:
#: reached since the typed answers let the stateful phase feed real person ids into the path).
#: An alert's step is refused with 422 for what only the state machine can judge: a text whose
#: trimmed length is below its minimum (a note of ten spaces), a due time that is not later
#: than now (the schema cannot name "now"). A MARAC referral's step likewise: a text that is
#: blank once trimmed (a victim of one NEL character), a hearing dated before the referral.
#: Every other check applies to them, and every check to every other operation.
_SEMANTIC = {
    **{f"/api/alert-actions/{step}": "422" for step in ("assign", "act", "decide", "close")},
    "/api/alert-actions/signoff": "422",
    "/api/alert-actions/reopen": "422",
    "/api/people/search": "422",
    "/api/people/{entity_id}/split": "422",
    "/api/incidents": "422",
    "/api/orders": "422",
    "/api/assessments": "422",
    "/api/users": "422",
    "/api/users/{username}": "422",
    "/api/audit/verify": "400",
    # 'from' after 'to', or a sender filter from a role that may not see who sent a message
    "/api/people/{entity_id}/communications": "422",
    "/api/incidents/{ref}/communications": "422",
    "/api/marac-referrals": "422",
    **{
        f"/api/marac-referrals/{{ref}}/{step}": "422"
        for step in ("hear", "actions", "actions/{number}/complete", "close")
    },
}


def _operation(path: str) -> str:
    lines = ["[[operations]]", f'include-path = "{path}"']
    statuses = ["2xx", "401", "403", "404", "409", _SEMANTIC[path], "429"]
    lines.append(f"checks.positive_data_acceptance.expected-statuses = {statuses!r}")
    return "\n".join(lines).replace("'", '"') + "\n"


CONFIG = "\n".join(_operation(path) for path in sorted(_SEMANTIC))


def schemathesis_run(base: str, headers: dict[str, str], exclude: list[str], out: Path) -> Any:
    """``schemathesis run`` with every check, bounded; the finished process."""
    config = out / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--max-time",
        str(RUN_SECONDS),
        "--seed",
        "27",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--max-response-time",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(out),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    for path in exclude:
        command += ["--exclude-path", path]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS * 3 + 60,
        check=False,
        cwd=out,
    )


@pytest.mark.parametrize("who", RUNS)
def test_schemathesis_all_checks_pass(
    served: tuple[str, dict[str, str]], who: str, tmp_path: Path
) -> None:
    base, tokens = served
    assert httpx.get(f"{base}/api/health").status_code == 200
    if who == "signed_out":
        headers: dict[str, str] = {}
        exclude: list[str] = []
    else:
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        exclude = ["/api/logout"]
    done = schemathesis_run(base, headers, exclude, tmp_path)
    report = done.stdout[-20000:] + done.stderr[-5000:]
    assert done.returncode == 0, report
    assert "Tested: " in done.stdout, report
