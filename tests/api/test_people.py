from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from factories import incident, person
from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.crossref.person import load_person_profile
from threadline.guard import User, read_log
from threadline.model.pole import Incident
from threadline.settings import Settings
from threadline.store import write_batch
from threadline.store.tables import entities, entity_members, mentions

VICTIM_PHONE = "07700 900123"


@pytest.fixture
def victim_entity(engine: Engine, now: datetime) -> str:
    """Entity P-1: Alys Penhallow as victim in INC-1 and as witness in INC-2."""
    record_one = Incident.model_validate(incident("INC-1"))
    record_two = Incident.model_validate(
        incident(
            "INC-2",
            people=[
                person(
                    "witness",
                    forenames="Alys",
                    surname="Penhallow",
                    address={"text": "4 Quay Street, Truro", "postcode": "TR1 2AA"},
                    emails=["alys.p@example.org"],
                ),
                person(
                    "suspect",
                    forenames="Gareth",
                    surname="Tregothnan",
                    address={"text": "9 Ferry Lane, Truro", "postcode": "TR1 3BB"},
                ),
            ],
        )
    )
    with engine.begin() as conn:
        write_batch(conn, [record_one, record_two], now)
        keys = conn.execute(
            select(mentions.c.mention_key, mentions.c.surname).order_by(mentions.c.mention_key)
        ).all()
        for entity_id, label in (("P-1", "Alys Penhallow"), ("P-2", "Gareth Tregothnan")):
            conn.execute(
                insert(entities).values(
                    id=entity_id, kind="person", label=label, created_at=now, updated_at=now
                )
            )
        for key, surname in keys:
            conn.execute(
                insert(entity_members).values(
                    mention_key=key,
                    entity_id="P-1" if surname == "Penhallow" else "P-2",
                    match_probability=0.98,
                    assigned_at=now,
                    assigned_by="model",
                )
            )
    return "P-1"


def view(client: TestClient, headers: dict[str, str], entity_id: str, **params: str) -> Any:
    return client.get(f"/api/people/{entity_id}", headers=headers, params=params)


def test_a_person_view_without_purpose_is_refused_naming_purpose(
    client: TestClient, auth: Callable[[str], dict[str, str]], victim_entity: str, engine: Engine
) -> None:
    for params in ({}, {"purpose": "  "}, {"purpose": "x"}):
        response = view(client, auth("officer"), victim_entity, **params)
        assert response.status_code == 400
        assert response.json()["error"]["field"] == "purpose"
    refusals = read_log(engine)
    assert [r.action for r in refusals] == ["access.refused"] * 3, "refused, and audited"
    assert {r.detail["status"] for r in refusals} == {400}
    assert [r.purpose for r in refusals] == ["x", "  ", None]
    assert all(r.records == [] and r.user == "officer" for r in refusals), "nothing disclosed"


def test_a_person_view_leaves_an_audit_row(
    client: TestClient,
    auth: Callable[[str], dict[str, str]],
    victim_entity: str,
    engine: Engine,
    users: dict[str, User],
    now: datetime,
) -> None:
    response = view(client, auth("officer"), victim_entity, purpose="INC-7 call-back")
    assert response.status_code == 200
    assert response.json()["label"] == "Alys Penhallow"
    [row] = read_log(engine)
    assert row.user == users["officer"].username and row.role == "officer"
    assert row.action == "person.view"
    assert row.purpose == "INC-7 call-back"
    assert row.records == ["person:P-1", "incident:cad:INC-1", "incident:cad:INC-2"]
    assert row.at == now
    assert row.detail == {"found": True, "redacted": False}


def test_purpose_may_come_in_a_header(
    client: TestClient, auth: Callable[[str], dict[str, str]], victim_entity: str, engine: Engine
) -> None:
    headers = {**auth("analyst"), "X-Purpose": "linking INC-1 and INC-2"}
    assert view(client, headers, victim_entity).status_code == 200
    assert read_log(engine)[0].purpose == "linking INC-1 and INC-2"


def test_unknown_person_is_404_and_the_attempt_is_logged(
    client: TestClient, auth: Callable[[str], dict[str, str]], victim_entity: str, engine: Engine
) -> None:
    response = view(client, auth("officer"), "P-999", purpose="INC-7")
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "entity_id"
    [row] = read_log(engine)
    assert row.records == ["person:P-999"] and row.detail == {"found": False}


def test_officer_sees_the_victims_contact_details(
    client: TestClient, auth: Callable[[str], dict[str, str]], victim_entity: str
) -> None:
    body = view(client, auth("officer"), victim_entity, purpose="INC-7 call-back").json()
    victim = next(m for m in body["mentions"] if m["role"] == "victim")
    witness = next(m for m in body["mentions"] if m["role"] == "witness")
    assert victim["phones"] == [VICTIM_PHONE]
    assert witness["address_text"] == "4 Quay Street, Truro"
    assert witness["emails"] == ["alys.p@example.org"]


def test_analyst_gets_victim_and_witness_contact_details_withheld(
    client: TestClient, auth: Callable[[str], dict[str, str]], victim_entity: str, engine: Engine
) -> None:
    body = view(client, auth("analyst"), victim_entity, purpose="linking INC-1").json()
    assert len(body["mentions"]) == 2
    for mention in body["mentions"]:
        assert mention["surname"] == "Penhallow"
        assert mention["phones"] == [] and mention["emails"] == []
        assert mention["address_text"] is None and mention["postcode"] is None
        assert mention["withheld"]
    assert VICTIM_PHONE not in str(body) and "Quay Street" not in str(body)
    assert read_log(engine)[0].detail == {"found": True, "redacted": True}
    suspect = view(client, auth("analyst"), "P-2", purpose="linking INC-2").json()
    by_record = {m["record_key"]: m for m in suspect["mentions"]}
    assert by_record["incident:cad:INC-2"]["address_text"] == "9 Ferry Lane, Truro"


def test_profile_loader_can_be_plugged_in(
    engine: Engine, config: ApiConfig, users: dict[str, User], hasher: Any
) -> None:
    seen: list[str] = []

    def loader(_: Engine, entity_id: str) -> dict[str, Any] | None:
        seen.append(entity_id)
        return {"entity_id": entity_id, "mentions": [{"role": "victim", "phones": ["x"]}]}

    app: FastAPI = create_app(Settings(), engine, config=config, profile_loader=loader)
    token = app.state.tokens.issue(users["analyst"])
    with TestClient(app) as client:
        body = view(client, {"Authorization": f"Bearer {token}"}, "Q-1", purpose="INC-9").json()
    assert seen == ["Q-1"]
    assert body["mentions"][0]["phones"] == []


def test_default_loader_returns_none_for_unknown_entity(engine: Engine) -> None:
    assert load_person_profile(engine, "nobody") is None
