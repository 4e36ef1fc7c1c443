"""Acting on an alert over HTTP: every step, its refusals, its audit rows, its OpenAPI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_client import NOW
from threadline.crossref.alerts import save_changes
from threadline.guard import User, read_log
from threadline.guard.audit import verify
from threadline.recognise import Alert, AlertChange
from threadline.store import writing

BREACH = "order_breach:ORD-1:INC-2"
PURPOSE = {"purpose": "INC-2 breach"}
RATIONALE = "Suspect had left on arrival; victim safe with family; IDVA referral made tonight"

Auth = Callable[[str], dict[str, str]]


@pytest.fixture
def breach(engine: Engine, users: dict[str, User]) -> str:
    found = Alert(
        rule_id="order_breach",
        alert_key=BREACH,
        incident_ref="INC-2",
        people=("P-S", "P-V"),
        reason="1st reported breach",
        cited=("INC-2",),
        severity="high",
        action="s24(5)",
        raised_on="INC-2",
    )
    with writing(engine) as conn:
        save_changes(conn, [AlertChange("raised", found)], NOW)
    return BREACH


def post(client: TestClient, auth: Auth, role: str, step: str, purpose: Any = PURPOSE,
         **body: Any) -> Any:  # fmt: skip
    return client.post(f"/api/alert-actions/{step}", params=purpose,
                       json={"alert_key": BREACH, **body}, headers=auth(role))  # fmt: skip


def owned_by_officer(client: TestClient, auth: Auth) -> None:
    assert post(client, auth, "call_handler", "assign", assignee="officer",
                kind="officer").status_code == 200  # fmt: skip
    assert post(client, auth, "officer", "acknowledge").status_code == 200


def test_the_breach_walk_from_assignment_to_a_signed_off_close(
    client: TestClient, auth: Auth, breach: str, engine: Engine
) -> None:
    owned_by_officer(client, auth)
    decided = post(client, auth, "officer", "decide", arrested=False, rationale=RATIONALE)
    assert decided.status_code == 200, decided.text
    actions = decided.json()["actions"]
    assert actions["decision"]["signed_off_by"] is None
    assert actions["signoff_due"] == "2026-03-02T09:30:00+00:00"
    # the alert does not close until the decision is signed off
    close = {"outcome": "crime_recorded", "reason": "Breach recorded as 8Q"}
    early = post(client, auth, "officer", "close", **close)
    assert early.status_code == 409 and "sign-off" in early.json()["error"]["message"]
    signed = post(client, auth, "supervisor", "signoff", approve=True)
    assert signed.json()["actions"]["decision"]["signed_off_by"] == "supervisor"
    closed = post(client, auth, "officer", "close", **close)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    actions = [row.action for row in reversed(read_log(engine))]
    assert actions == ["alert.assign", "alert.acknowledge", "alert.decide", "alert.signoff",
                       "alert.close"]  # fmt: skip
    assert verify(engine).ok
    shown = client.get("/api/alert-actions", params={"alert": BREACH, **PURPOSE},
                       headers=auth("analyst"))  # fmt: skip
    assert shown.status_code == 200
    assert [s["step"] for s in shown.json()["actions"]["steps"]][-1] == "close"
    assert read_log(engine)[0].action == "alerts.view"


def test_a_call_handler_cannot_sign_off(client: TestClient, auth: Auth, breach: str) -> None:
    owned_by_officer(client, auth)
    post(client, auth, "officer", "decide", arrested=False, rationale=RATIONALE)
    refused = post(client, auth, "call_handler", "signoff", approve=True)
    assert refused.status_code == 403
    assert "may not sign off" in refused.json()["error"]["message"]


def test_a_supervisor_cannot_sign_off_their_own_decision(
    client: TestClient, auth: Auth, breach: str, engine: Engine
) -> None:
    post(client, auth, "supervisor", "assign", assignee="supervisor", kind="officer")
    post(client, auth, "supervisor", "acknowledge")
    post(client, auth, "supervisor", "decide", arrested=False, rationale=RATIONALE)
    refused = post(client, auth, "supervisor", "signoff", approve=True)
    assert refused.status_code == 403
    assert "you made this decision" in refused.json()["error"]["message"]
    assert read_log(engine)[0].action == "alert.decide"  # nothing written for the refusal


def test_an_officer_cannot_acknowledge_an_alert_assigned_to_someone_else(
    client: TestClient, auth: Auth, breach: str
) -> None:
    post(client, auth, "call_handler", "assign", assignee="pc-somebody", kind="officer")
    assert post(client, auth, "officer", "acknowledge").status_code == 403


def test_refusals_name_the_field_or_the_state(client: TestClient, auth: Auth, breach: str) -> None:
    cases = [
        ("officer", "acknowledge", {}, 409, "step"),  # not assigned yet
        ("call_handler", "assign", {"assignee": "x", "kind": "desk"}, 422, "kind"),
        ("call_handler", "assign", {"assignee": "x", "kind": "team", "due_at":
                                    "2026-03-05T09:00:00"}, 422, "due_at"),  # no zone
        ("call_handler", "assign", {"assignee": "x", "kind": "team", "extra": 1}, 422, "extra"),
        ("call_handler", "assign", {"assignee": "Response A", "kind": "team"}, 200, None),
        # a valid request the alert's state refuses is a conflict, not a bad field
        ("call_handler", "assign", {"assignee": "Response A", "kind": "team"}, 409, "assignee"),
    ]  # fmt: skip
    for role, step, body, status, field in cases:
        response = post(client, auth, role, step, **body)
        assert response.status_code == status, (step, body, response.text)
        if status != 200:
            assert response.json()["error"]["field"] == field
    owned_by_officer(client, auth)
    short = post(client, auth, "officer", "decide", arrested=False, rationale="no need")
    assert short.status_code == 422 and short.json()["error"]["field"] == "rationale"
    outcome = post(client, auth, "officer", "close", outcome="fine", reason="all done here")
    assert outcome.status_code == 422 and outcome.json()["error"]["field"] == "outcome"
    missing = client.post("/api/alert-actions/act", params=PURPOSE,
                          json={"alert_key": "order_breach:NOPE", "note": "went round"},
                          headers=auth("officer"))  # fmt: skip
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "alert_key"


def test_each_step_needs_a_purpose(
    client: TestClient, auth: Auth, breach: str, engine: Engine
) -> None:
    response = post(client, auth, "call_handler", "assign", purpose={}, assignee="x", kind="team")
    assert response.status_code == 400 and response.json()["error"]["field"] == "purpose"
    assert read_log(engine)[0].action == "access.refused"


def test_the_openapi_documents_every_step_and_its_refusals(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    for step in ("assign", "acknowledge", "act", "decide", "signoff", "close", "reopen"):
        operation = paths[f"/api/alert-actions/{step}"]["post"]
        assert {"200", "400", "401", "403", "404", "409", "422"} <= set(operation["responses"])
        assert any(p["name"] == "purpose" and p["required"] for p in operation["parameters"])
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/AlertActionsPublic")
    assert "sign off" in paths["/api/alert-actions/signoff"]["post"]["description"].lower()


def test_an_arrest_decision_is_a_boolean_only(client: TestClient, auth: Auth, breach: str) -> None:
    """Whether the suspect was arrested is true or false: "yes", 1 or "" is refused naming the
    field, not read as a decision (schemathesis found 1 and "true" taken for true)."""
    owned_by_officer(client, auth)
    for value in (1, 0, "yes", "true", ""):
        refused = post(client, auth, "officer", "decide", arrested=value, rationale=RATIONALE)
        assert refused.status_code == 422, (value, refused.text)
        assert refused.json()["error"]["field"] == "arrested"
    decided = post(client, auth, "officer", "decide", arrested=False, rationale=RATIONALE)
    assert decided.status_code == 200, decided.text
