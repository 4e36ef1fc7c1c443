"""Submitting incidents and orders over HTTP, the picture, and the research check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api_client import NOW, PASSWORD, Api
from audit_rows import staff_log
from breaches import breach_record
from factories import incident, order, person
from threadline.api.responses import IncidentSubmitted
from threadline.app import create_app
from threadline.guard import UserRole, create_user, read_log
from threadline.settings import Settings
from threadline.store import tables as t

PURPOSE = {"purpose": "call INC-T1"}


@pytest.fixture
def case(small_force: Path) -> dict[str, Any]:
    """The force's ex-partner stalking victim and suspect (truth), and their order."""
    truth = json.loads((small_force / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    return {
        "victim": truth["people"][series["victims"][0]],
        "suspect": truth["people"][series["suspects"][0]],
    }


def breach(case: dict[str, Any], ref: str = "INC-T1") -> dict[str, Any]:
    victim = case["victim"]
    return breach_record(
        case,
        ref,
        "2023-12-20T21:00:00Z",
        "Her ex turned up at her house again despite the order.",
        location={"text": victim["address"], "postcode": victim["postcode"]},
    )


def test_a_submitted_breach_is_resolved_cross_referenced_and_audited(
    api: Api, case: dict[str, Any]
) -> None:
    response = api.client.post(
        "/api/incidents", json=breach(case), headers=api.auth("call_handler")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["record_key"] == "incident:cad:INC-T1" and body["outcome"] == "stored"
    victim, suspect = body["decisions"]
    assert victim["outcome"] == "joined" and victim["evidence"][0].startswith("match probability")
    assert suspect["outcome"] == "joined"
    assert "order_breach" in {a["rule_id"] for a in body["alerts"]}
    assert all(a["change"] in ("raised", "updated", "cleared") for a in body["alerts"])
    picture = body["picture"]
    assert picture["incident"]["ref"] == "INC-T1"
    assert picture["incident"]["postcode"] == case["victim"]["postcode"], "call handler sees it"
    assert len(picture["people"][0]["records"]) > 5, "her history is on the screen"
    assert picture["people"][0]["orders"]
    assert body["timings_ms"]["total"] > 0
    [row] = staff_log(api.engine)
    assert row.action == "incident.submit" and row.user == "call-handler"
    assert row.records[0] == "incident:cad:INC-T1"
    assert f"person:{victim['entity_id']}" in row.records
    again = api.client.post("/api/incidents", json=breach(case), headers=api.auth("officer"))
    assert again.json()["outcome"] == "unchanged"


def test_a_bad_field_is_a_422_naming_it(api: Api) -> None:
    record = incident("INC-T2")
    record["people"][1]["dob"] = "31/02/1990"
    response = api.client.post("/api/incidents", json=record, headers=api.auth("officer"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "people[1].dob" and "31/02/1990" in error["message"]
    for bad, field in (
        (incident("INC-T3", colour="red"), "colour"),
        (incident("INC-T4", channel="pigeon"), "channel"),
        (order("NMO-T1"), "kind"),
    ):
        response = api.client.post("/api/incidents", json=bad, headers=api.auth("officer"))
        assert response.status_code == 422 and response.json()["error"]["field"] == field
    assert staff_log(api.engine) == [], "nothing stored, nothing to audit"
    assert api.client.post("/api/incidents", headers=api.auth("officer")).status_code == 422


def test_without_a_model_submission_is_503(
    engine: Engine, hasher: PasswordHasher, tmp_path: Path
) -> None:
    user = create_user(engine, "ch", "ch", UserRole.call_handler, PASSWORD, NOW, hasher=hasher)
    app = create_app(Settings(model_path=tmp_path / "none.json"), engine, password_hasher=hasher)
    headers = {"Authorization": f"Bearer {app.state.tokens.issue(user)}"}
    with TestClient(app) as client:
        response = client.post("/api/incidents", json=incident(), headers=headers)
    assert response.status_code == 503
    assert response.json()["error"]["message"] == "no linkage model: run threadline train"


def test_the_picture_needs_a_purpose_is_audited_and_redacted_for_analysts(
    api: Api, case: dict[str, Any]
) -> None:
    api.client.post("/api/incidents", json=breach(case), headers=api.auth("officer"))
    url = "/api/incidents/INC-T1/picture"
    missing = api.client.get(url, headers=api.auth("officer"))
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "purpose"
    officer = api.client.get(url, params=PURPOSE, headers=api.auth("officer")).json()
    assert officer["incident"]["postcode"] == case["victim"]["postcode"]
    analyst = api.client.get(url, params=PURPOSE, headers=api.auth("analyst"))
    assert analyst.status_code == 200
    text = analyst.text
    assert case["victim"]["postcode"] not in text and "+447700" not in text
    assert case["victim"]["address"].split(",")[0] not in text
    assert analyst.json()["incident"]["withheld"] == ["location", "postcode", "narrative"]
    rows = [r for r in read_log(api.engine) if r.action == "incident.view"]
    assert [r.role for r in rows] == ["analyst", "officer"]
    assert rows[0].purpose == "call INC-T1" and rows[0].records[0] == "incident:cad:INC-T1"
    unknown = api.client.get("/api/incidents/NOPE/picture", params=PURPOSE,
                             headers=api.auth("officer"))  # fmt: skip
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "ref"
    assert staff_log(api.engine)[0].detail == {"found": False}


def test_the_research_check_is_recorded_with_the_user(api: Api, case: dict[str, Any]) -> None:
    api.client.post("/api/incidents", json=breach(case), headers=api.auth("officer"))
    response = api.client.post("/api/incidents/INC-T1/history-viewed", headers=api.auth("officer"))
    assert response.status_code == 200 and response.json()["viewed_by"] == "officer"
    with api.engine.connect() as conn:
        views = conn.execute(
            select(t.history_views.c.user).where(t.history_views.c.incident_ref == "INC-T1")
        ).all()
    assert [v.user for v in views] == ["officer"]
    missing = api.client.post("/api/incidents/NOPE/history-viewed", headers=api.auth("officer"))
    assert missing.status_code == 404


def test_an_order_is_imported_resolved_and_audited(api: Api, case: dict[str, Any]) -> None:
    victim, suspect = case["victim"], case["suspect"]
    record = order(
        "SPO-T1",
        order_type="stalking_protection",
        respondent=person("suspect", forenames=suspect["forenames"], surname=suspect["surname"],
                          dob=suspect["dob"]),
        protected=[person("victim", forenames=victim["forenames"], surname=victim["surname"],
                          dob=victim["dob"])],
    )  # fmt: skip
    assert (
        api.client.post("/api/orders", json=record, headers=api.auth("call_handler")).status_code
        == 403
    )
    response = api.client.post("/api/orders", json=record, headers=api.auth("officer"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["record_key"] == "order:courts:SPO-T1" and body["outcome"] == "stored"
    assert [d["outcome"] for d in body["decisions"]] == ["joined", "joined"]
    row, refused = staff_log(api.engine)
    assert row.action == "orders.import" and row.detail["order_type"] == "stalking_protection"
    assert refused.action == "access.refused" and refused.detail["action"] == "orders.import"
    assert refused.user == "call-handler" and refused.detail["status"] == 403
    bad = order("NMO-T2", starts="2026-02-01", ends="2025-01-01")
    response = api.client.post("/api/orders", json=bad, headers=api.auth("officer"))
    assert response.status_code == 422 and "ends is before starts" in response.text


def test_breaches_submitted_at_once_are_committed_together_each_answered_and_audited(
    api: Api, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six call handlers submit at the same moment: those that queue while the first is in its
    write turn are committed as one group, and each still gets its own picture, its own alerts
    and its own audit row, in one unbroken chain."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import threadline.api.turns as turns_module
    from threadline.guard import verify

    real, first = turns_module.submit_group, threading.Event()

    def first_turn_is_slow(*args: Any) -> Any:
        if not first.is_set():  # the others arrive while the first is in its turn
            first.set()
            time.sleep(0.3)
        return real(*args)

    monkeypatch.setattr(turns_module, "submit_group", first_turn_is_slow)
    refs = [f"INC-G{n}" for n in range(6)]

    def submit(n: int) -> Any:
        record = breach(case, refs[n])
        if n:
            first.wait(5)
        return api.client.post("/api/incidents", json=record, headers=api.auth("call_handler"))

    with ThreadPoolExecutor(len(refs)) as pool:
        responses = list(pool.map(submit, range(len(refs))))

    assert [r.status_code for r in responses] == [200] * len(refs)
    bodies = [r.json() for r in responses]
    assert [b["picture"]["incident"]["ref"] for b in bodies] == refs
    assert max(b["committed_with"] for b in bodies) > 1
    victims = {b["decisions"][0]["entity_id"] for b in bodies}
    assert len(victims) == 1, "each joined the one victim, none started a second"
    assert all("order_breach" in {a["rule_id"] for a in b["alerts"]} for b in bodies)
    rows = staff_log(api.engine)
    assert sorted(r.records[0] for r in rows) == [f"incident:cad:{ref}" for ref in refs]
    assert verify(api.engine).ok


def test_a_submitted_incident_answer_matches_its_schema(api: Api, case: dict[str, Any]) -> None:
    """``POST /api/incidents`` writes its answer itself (orjson, for speed); it is still what
    the OpenAPI states (:class:`threadline.api.responses.IncidentSubmitted`), for a role that
    sees contact details and one that does not."""
    for role, ref in (("call_handler", "INC-S1"), ("supervisor", "INC-S2")):
        response = api.client.post("/api/incidents", json=breach(case, ref),
                                   headers=api.auth(role))  # fmt: skip
        assert response.status_code == 200, response.text
        answer = IncidentSubmitted.model_validate(response.json())
        assert answer.picture.incident.ref == ref and answer.decisions
