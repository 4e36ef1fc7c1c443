"""The worker factory (``threadline serve --workers N``): every worker the same deployment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from threadline.api.security import Tokens
from threadline.app.server import create
from threadline.guard import UserRole, create_user
from threadline.store import open_store


def test_two_workers_built_from_the_environment_share_the_store_and_read_each_others_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/store.db"
    monkeypatch.setenv("THREADLINE_DATABASE_URL", url)
    monkeypatch.setenv("THREADLINE_MODEL_PATH", str(tmp_path / "no-model.json"))
    monkeypatch.setenv("THREADLINE_SESSION_SECRET", "one secret for every worker " + "x" * 16)
    create_user(open_store(url), "ann", "Ann", UserRole.supervisor, "a long passphrase here",
                datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    first, second = TestClient(create()), TestClient(create())
    token = first.post(
        "/api/token", data={"username": "ann", "password": "a long passphrase here"}
    ).json()["access_token"]
    answer = second.get(
        "/api/alerts",
        params={"purpose": "shift check"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    assert isinstance(second.app.state.tokens, Tokens)


def test_a_deployment_sets_how_many_threads_run_requests(engine: Any) -> None:
    import anyio.to_thread

    from threadline.api.config import ApiConfig
    from threadline.app import create_app
    from threadline.settings import Settings

    def limit_seen(threads: int) -> float:
        app = create_app(Settings(), engine, config=ApiConfig(request_threads=threads))

        @app.get("/test/threads", dependencies=[])
        async def threads_now() -> dict[str, float]:
            return {"tokens": anyio.to_thread.current_default_thread_limiter().total_tokens}

        with TestClient(app) as client:
            return float(client.get("/test/threads").json()["tokens"])

    assert limit_seen(3) == 3
    assert limit_seen(0) == 40  # anyio's default
