"""The review queue and judgements over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from threadline.api import ApiConfig, create_app
from threadline.guard import UserRole, create_user, read_log
from threadline.settings import Settings
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PASSWORD = "granite harbour lantern"
PURPOSE = {"purpose": "INC-T1 call-back"}


@dataclass
class Api:
    client: TestClient
    engine: Engine
    auth: Callable[[str], dict[str, str]]


@pytest.fixture
def api(resolved_store: Any, hasher: PasswordHasher) -> Iterator[Api]:
    """The app on a private copy of the resolved small force, with its model; a user per role."""
    engine, model = resolved_store
    users = {
        role.value: create_user(
            engine, role.value.replace("_", "-"), role.value, role, PASSWORD, NOW, hasher=hasher
        )
        for role in UserRole
    }
    config = ApiConfig(session_secret="s", rate_limit_per_minute=1e6, rate_limit_burst=10**6)
    app = create_app(
        Settings(), engine, config=config, clock=lambda: NOW, password_hasher=hasher,
        linkage_model=model,
    )  # fmt: skip

    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {app.state.tokens.issue(users[role])}"}

    with TestClient(app) as client:
        yield Api(client, engine, auth)


@pytest.fixture
def victim(small_force: Path) -> dict[str, Any]:
    """The force's ex-partner stalking victim, as its truth gives her."""
    truth = json.loads((small_force / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    return dict(truth["people"][series["victims"][0]])


def test_the_queue_shows_both_mentions_and_reading_it_is_audited(api: Api) -> None:
    response = api.client.get("/api/review", params={"limit": 5}, headers=api.auth("analyst"))
    assert response.status_code == 200
    pairs = response.json()["pairs"]
    assert len(pairs) == 5
    first = pairs[0]
    assert first["mention_a"]["record_key"] and first["mention_b"]["entity_id"]
    assert first["evidence"][0].startswith("match probability")
    assert [p["match_probability"] for p in pairs] == sorted(
        (p["match_probability"] for p in pairs), reverse=True
    )
    assert read_log(api.engine)[0].detail == {"queue_viewed": 5}
    assert api.client.get("/api/review", headers=api.auth("call_handler")).status_code == 403


def test_judging_a_pair_the_same_merges_their_people(api: Api) -> None:
    pairs = api.client.get("/api/review", headers=api.auth("supervisor")).json()["pairs"]
    pair = next(p for p in pairs if p["mention_a"]["entity_id"] != p["mention_b"]["entity_id"])
    a, b = pair["mention_a"]["mention_key"], pair["mention_b"]["mention_key"]
    body = {"mention_a": a, "mention_b": b, "judgement": "same", "note": "same DOB on PNC"}
    response = api.client.post("/api/review/judgements", json=body,
                               headers=api.auth("supervisor"))  # fmt: skip
    assert response.status_code == 201, response.text
    kept = response.json()["entity"]
    with api.engine.connect() as conn:
        entities = set(
            conn.execute(
                select(t.entity_members.c.entity_id).where(
                    t.entity_members.c.mention_key.in_([a, b])
                )
            ).scalars()
        )
        judged = conn.execute(select(t.judgements.c.user, t.judgements.c.note)).all()
    assert entities == {kept}
    assert [(j.user, j.note) for j in judged] == [("supervisor", "same DOB on PNC")]
    row = read_log(api.engine)[0]
    assert row.action == "review.judge" and row.records[:2] == [a, b]
    queue = api.client.get("/api/review", params={"limit": 500},
                           headers=api.auth("supervisor")).json()["pairs"]  # fmt: skip
    assert (a, b) not in {(p["mention_a"]["mention_key"], p["mention_b"]["mention_key"])
                          for p in queue}  # fmt: skip


def test_judgement_errors_name_the_field(api: Api) -> None:
    pairs = api.client.get("/api/review", headers=api.auth("analyst")).json()["pairs"]
    a = pairs[0]["mention_a"]["mention_key"]
    cases = [
        ({"mention_a": "incident:cad:NOPE#0", "mention_b": a, "judgement": "same"}, 404,
         "mention_a"),
        ({"mention_a": a, "mention_b": a, "judgement": "same"}, 422, "mention_b"),
        ({"mention_a": a, "mention_b": a, "judgement": "probably"}, 422, "judgement"),
        ({"mention_a": a, "mention_b": a, "judgement": "same", "extra": 1}, 422, "extra"),
    ]  # fmt: skip
    for body, status, field in cases:
        response = api.client.post("/api/review/judgements", json=body,
                                   headers=api.auth("analyst"))  # fmt: skip
        assert response.status_code == status, body
        assert response.json()["error"]["field"] == field
