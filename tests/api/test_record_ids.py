"""No record opens to a user by changing an id in the address (issue 6).

Every GET route of the API and of the web pages that takes an id in its path is walked, found by
walking ``app.routes`` so a route added later is walked too, with the ids of the small force's
stalking victim: her person id, her incidents' and assessments' refs. An analyst may open each
(with a purpose) but must never see where she lives or how to reach her; a call handler must not
open what the policy keeps from call handlers. A write route that takes a person id refuses
records that are not that person's.
"""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select

from api_client import PASSWORD, Api
from routes import api_routes
from threadline.guard.policy import PROTECTED_PERSON_ROLES
from threadline.store import tables as t

PURPOSE = {"purpose": "checking the access policy"}


def contact_details(conn: Connection, mention_keys: Any) -> set[str]:
    """Addresses, postcodes, phones, e-mails and accounts of ``mention_keys`` (a list or a
    subquery), as stored."""
    m, ids = t.mentions, t.identifiers
    found: set[str] = set()
    for column in (m.c.address_text, m.c.postcode):
        found |= set(
            conn.execute(select(column).where(m.c.mention_key.in_(mention_keys))).scalars()
        )
    where = ids.c.mention_key.in_(mention_keys), ids.c.kind != "vehicle"
    found |= set(conn.execute(select(ids.c.raw).where(*where)).scalars())
    return found - {None, ""}


def her_records(engine: Engine, victim: dict[str, Any]) -> tuple[str, list[str], set[str]]:
    """(her person id, the refs of her incidents and assessments, her contact details as stored
    in her protected mentions, less any that a suspect's mention also carries)."""
    m, members = t.mentions, t.entity_members
    with engine.connect() as conn:
        named = m.c.surname == victim["surname"], m.c.forenames == victim["forenames"]
        entity_id = conn.execute(
            select(members.c.entity_id)
            .join(m, m.c.mention_key == members.c.mention_key)
            .where(*named, m.c.role == "victim")
        ).scalar()
        assert entity_id is not None
        rows = conn.execute(
            select(m.c.mention_key, m.c.record_key, m.c.role)
            .join(members, members.c.mention_key == m.c.mention_key)
            .where(members.c.entity_id == entity_id)
        ).all()
        protected = [r.mention_key for r in rows if r.role in PROTECTED_PERSON_ROLES]
        suspects = select(m.c.mention_key).where(m.c.role == "suspect")
        contacts = contact_details(conn, protected) - contact_details(conn, suspects)
        records = {r.record_key for r in rows}
        incidents = select(t.incidents.c.ref).where(t.incidents.c.record_key.in_(records))
        refs = sorted(conn.execute(incidents).scalars())
        assessed = t.risk_assessments.c.incident_ref.in_(refs)
        refs += sorted(conn.execute(select(t.risk_assessments.c.ref).where(assessed)).scalars())
    return entity_id, refs, contacts


def fill(path: str, entity_id: str, ref: str, case_id: str = "1") -> str:
    path = path.replace("{entity_id}", entity_id).replace("{ref}", ref)
    path = path.replace("{case_id}", case_id)
    return re.sub(r"\{[^}]+\}", "dash", path)


def her_case(engine: Engine, entity_id: str) -> str:
    """The number of the case in which she is the victim (the walk opens it too)."""
    with engine.connect() as conn:
        found = conn.execute(select(t.cases.c.id).where(t.cases.c.victim == entity_id)).scalar()
    assert found is not None, "her course of conduct is a case"
    return str(found)


def signed_in(api: Api, role: str) -> TestClient:
    """A browser-like client of ``api``'s app, signed in as ``role`` (its session cookie)."""
    browser = TestClient(api.client.app)
    username = role.replace("_", "-")
    assert browser.post("/api/login", json={"username": username, "password": PASSWORD}).is_success
    return browser


@pytest.mark.slow
def test_an_analyst_walking_every_id_route_with_the_victims_ids_never_sees_her_contacts(
    api: Api, victim: dict[str, Any]
) -> None:
    entity_id, refs, contacts = her_records(api.engine, victim)
    assert len(refs) >= 3 and contacts, "the victim has records and contact details to protect"
    analyst = signed_in(api, "analyst")
    case_id = her_case(api.engine, entity_id)
    opened: list[str] = []
    routes = api_routes(cast(FastAPI, api.client.app))
    for path in sorted({path for method, path, _ in routes if method == "GET" and "{" in path}):
        for ref in refs if "{ref}" in path else refs[:1]:
            url = fill(path, entity_id, ref, case_id)
            response = analyst.get(url, params=PURPOSE)
            assert response.status_code in (200, 403, 404), (url, response.text[:300])
            if response.status_code == 200:
                opened.append(url)
                leaked = sorted(c for c in contacts if c in response.text)
                assert not leaked, f"{url} shows the victim's {leaked} to an analyst"
    assert f"/api/people/{entity_id}" in opened and f"/people/{entity_id}" in opened
    assert any(u.startswith("/api/incidents/") for u in opened), "her incidents were opened"
    assert f"/api/cases/{case_id}" in opened and f"/cases/{case_id}" in opened


@pytest.mark.slow
def test_a_call_handler_cannot_open_by_id_what_the_policy_keeps_from_call_handlers(
    api: Api, victim: dict[str, Any]
) -> None:
    entity_id, _, _ = her_records(api.engine, victim)
    handler = signed_in(api, "call_handler")
    network = f"/people/{entity_id}/network"
    refused = handler.get(network, params=PURPOSE)
    officer = signed_in(api, "officer").get(network, params=PURPOSE)
    assert (refused.status_code, officer.status_code) == (403, 200)
    assert victim["surname"] in officer.text and victim["surname"] not in refused.text
    assert handler.get("/api/audit", params={"record": f"person:{entity_id}"}).status_code == 403


@pytest.mark.slow
def test_a_split_naming_another_persons_records_is_refused_and_moves_nothing(
    api: Api, victim: dict[str, Any]
) -> None:
    entity_id, _, _ = her_records(api.engine, victim)
    members = t.entity_members
    with api.engine.connect() as conn:
        theirs = conn.execute(
            select(members.c.mention_key).where(members.c.entity_id != entity_id).limit(1)
        ).scalar_one()
        before = conn.execute(select(members.c.mention_key, members.c.entity_id)).all()
    response = api.client.post(
        f"/api/people/{entity_id}/split",
        headers=api.auth("supervisor"),
        json={"mention_keys": [theirs], "reason": "not her record"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "mention_keys"
    with api.engine.connect() as conn:
        assert conn.execute(select(members.c.mention_key, members.c.entity_id)).all() == before
