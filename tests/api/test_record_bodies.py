"""Issue 27 (finding 10): a record body the OpenAPI calls invalid is refused with 422, naming the
field, never stored: booleans are ``true`` or ``false`` (not ``0``, ``1`` or ``"yes"``), and a
date or time field holds one or is left out (not ``""``). Schemathesis' negative-data check
(``tests/api/test_schemathesis.py``) now applies to these routes unrelaxed; these are the cases
that it found, made certain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, func, select

from factories import incident, order, person
from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.resolve.linkage import LinkageModel
from threadline.risk import load_checklist
from threadline.settings import Settings
from threadline.store import tables as t

Auth = Callable[[str], dict[str, str]]


@pytest.fixture
def app(
    engine: Engine, config: ApiConfig, hasher: PasswordHasher, small_model: LinkageModel
) -> FastAPI:
    return create_app(
        Settings(), engine, config=config, clock=lambda: datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        password_hasher=hasher, linkage_model=small_model,
    )  # fmt: skip


def dash(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "risk_assessment",
        "ref": "DASH-9",
        "checklist": "dash",
        "incident_ref": "INC-D9",
        "subject": person("victim", forenames="Alys", surname="Penhallow"),
        "assessed_at": "2026-03-01T09:00:00Z",
        "answers": {q: "no" for q in load_checklist("dash").question_ids},
        **fields,
    }


@pytest.mark.parametrize(
    ("path", "body", "field", "table"),
    [
        ("/api/orders", order(interim=0), "interim", t.orders),
        ("/api/orders", order(interim=1), "interim", t.orders),
        ("/api/orders", order(interim="yes"), "interim", t.orders),
        ("/api/orders", order(interim="false"), "interim", t.orders),
        ("/api/orders", order(on_notice=0), "on_notice", t.orders),
        ("/api/orders", order(ends=""), "ends", t.orders),
        ("/api/orders", order(ends="  "), "ends", t.orders),
        ("/api/orders", order(starts=""), "starts", t.orders),
        ("/api/assessments", dash(safety_plan=0), "safety_plan", t.risk_assessments),
        ("/api/assessments", dash(safety_plan="no"), "safety_plan", t.risk_assessments),
        ("/api/assessments", dash(assessed_at=""), "assessed_at", t.risk_assessments),
        ("/api/incidents", incident(occurred_from=""), "occurred_from", t.incidents),
        ("/api/incidents", incident(reported_at=""), "reported_at", t.incidents),
    ],
)
def test_a_body_the_schema_calls_invalid_is_refused_naming_the_field(
    client: TestClient,
    auth: Auth,
    engine: Engine,
    path: str,
    body: dict[str, Any],
    field: str,
    table: Table,
) -> None:
    response = client.post(path, json=body, headers=auth("officer"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field, response.text
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_the_same_bodies_with_real_values_are_stored(
    client: TestClient, auth: Auth, engine: Engine
) -> None:
    for path, body in [
        ("/api/orders", order("NMO-1", interim=True, ends="2027-02-01")),
        ("/api/orders", order("NMO-2", interim=False, ends=None)),
        ("/api/orders", order("NMO-3")),  # ends left out: open-ended
        ("/api/assessments", dash(safety_plan=True)),
    ]:
        response = client.post(path, json=body, headers=auth("officer"))
        assert response.status_code == 200, response.text


def test_an_account_is_enabled_or_disabled_by_a_boolean_only(
    client: TestClient, auth: Auth
) -> None:
    for value in (0, "no", ""):
        refused = client.patch("/api/users/officer", json={"active": value}, headers=auth("admin"))
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "active"
    done = client.patch("/api/users/officer", json={"active": False}, headers=auth("admin"))
    assert done.status_code == 200, done.text
