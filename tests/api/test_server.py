"""The worker factory (``threadline serve --workers N``): every worker the same deployment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from threadline.api.security import Tokens
from threadline.api.server import create
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
    answer = second.get("/api/alerts", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert isinstance(second.app.state.tokens, Tokens)
