"""Risk assessments over HTTP: submitting a DASH, field errors, checklists, a person's
assessments, and the MARAC referral list (JSON and CSV), with roles, audit and redaction.

The app gets a small linkage model trained once per session on a 400-incident synthetic force
(cached in pytest's session folder, so the web tests reuse it); each test has a fresh store.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factories import incident, person
from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.guard import read_log
from threadline.resolve.linkage import LinkageModel
from threadline.risk import load_checklist
from threadline.settings import Settings

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
Auth = Callable[[str], dict[str, str]]


@pytest.fixture(scope="session")
def model(small_model: LinkageModel) -> LinkageModel:
    return small_model


@pytest.fixture
def app(engine: Engine, config: ApiConfig, hasher: PasswordHasher, model: LinkageModel) -> FastAPI:
    """The API with a linkage model (overrides the conftest's app, which has none)."""
    return create_app(
        Settings(), engine, config=config, clock=lambda: NOW, password_hasher=hasher,
        linkage_model=model,
    )  # fmt: skip


VICTIM = person(
    "victim", forenames="Alys", surname="Penhallow", dob="1991-04-12", phones=["07700 900123"]
)


def domestic(ref: str = "INC-D1") -> dict[str, Any]:
    return incident(
        ref,
        reported_at="2026-03-01T08:00:00Z",
        category="domestic",
        narrative="Caller says her ex-partner pushed her and smashed her phone.",
        officer="PC 4471",
    )


def dash(ref: str = "DASH-1", yes: int = 15, **fields: Any) -> dict[str, Any]:
    ids = load_checklist("dash").question_ids
    return {
        "kind": "risk_assessment",
        "ref": ref,
        "checklist": "dash",
        "incident_ref": "INC-D1",
        "subject": VICTIM,
        "assessed_at": "2026-03-01T09:00:00Z",
        "officer": "PC 4471",
        "answers": {q: "yes" if n < yes else "no" for n, q in enumerate(ids)},
        **fields,
    }


def submit_incident(client: TestClient, auth: Auth) -> dict[str, Any]:
    response = client.post("/api/incidents", json=domestic(), headers=auth("officer"))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_dash_is_graded_clears_the_missing_dash_alert_and_is_audited(
    client: TestClient, auth: Auth, engine: Engine
) -> None:
    raised = submit_incident(client, auth)
    assert "gap_domestic_no_dash" in {a["rule_id"] for a in raised["alerts"]}
    victim_id = raised["decisions"][0]["entity_id"]
    response = client.post("/api/assessments", json=dash(), headers=auth("officer"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["record_key"] == "risk_assessment:rms:DASH-1" and body["outcome"] == "stored"
    assert body["incident_known"] is True
    assessment = body["assessment"]
    assert assessment["score"]["yes"] == 15 and assessment["score"]["no"] == 12
    assert assessment["grade"] == "high" and assessment["visible_grade"] == "high"
    assert assessment["reasons"][0].startswith("visible high risk: 15 yes answers")
    assert assessment["subject_entity"] == victim_id, "the subject joins the incident's victim"
    cleared = [a for a in body["alerts"] if a["change"] == "cleared"]
    assert [a["rule_id"] for a in cleared] == ["gap_domestic_no_dash"]
    row = read_log(engine, action="assessment.submit")[0]
    assert row.user == "officer" and row.records[0] == "risk_assessment:rms:DASH-1"
    assert row.detail is not None and row.detail["grade"] == "high"


def test_an_unknown_question_is_a_422_naming_the_answer(client: TestClient, auth: Auth) -> None:
    record = dash()
    record["answers"]["dash.99"] = "yes"
    response = client.post("/api/assessments", json=record, headers=auth("officer"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "answers.dash.99"
    assert "not a question of dash 2009" in error["message"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"answers": {"dash.01": "maybe"}}, "answers.dash.01", "maybe"),
        ({"notes": {"sdash.01": "scared"}}, "notes.sdash.01", "not a question"),
        ({"judgement_grade": "high"}, "judgement_reason", "gives no reason"),
        ({"checklist_version": "2031"}, "checklist_version", "no version '2031'"),
        ({"colour": "red"}, "colour", "not a known field"),
    ],
)
def test_each_wrong_field_is_named(
    client: TestClient, auth: Auth, change: dict[str, Any], field: str, words: str
) -> None:
    response = client.post(
        "/api/assessments", json={**dash(yes=3), **change}, headers=auth("supervisor")
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field and words in error["message"]


def test_roles_that_may_not_submit_or_list_are_refused(client: TestClient, auth: Auth) -> None:
    refused = client.post("/api/assessments", json=dash(), headers=auth("call_handler"))
    assert refused.status_code == 403
    assert "may not submit a risk assessment" in refused.json()["error"]["message"]
    for path in ("/api/marac/referrals", "/api/marac/referrals.csv"):
        response = client.get(path, headers=auth("officer"))
        assert response.status_code == 403, path
        assert "MARAC referral list" in response.json()["error"]["message"]


def test_checklists_are_served_for_forms(client: TestClient, auth: Auth) -> None:
    dash_list = client.get("/api/checklists/dash", headers=auth("call_handler")).json()
    assert dash_list["id"] == "dash" and dash_list["grading"] == "yes_count"
    assert len(dash_list["questions"]) == 27
    assert dash_list["questions"][0]["id"] == "dash.01" and dash_list["questions"][0]["text"]
    sdash_list = client.get("/api/checklists/sdash", headers=auth("officer")).json()
    assert len(sdash_list["questions"]) == 11 and sdash_list["answers"] == [
        "yes",
        "no",
        "not_known",
    ]
    missing = client.get("/api/checklists/thrive", headers=auth("officer"))
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "name"
    assert client.get("/api/checklists/dash").status_code == 401


def test_a_persons_assessments_carry_scores_grades_and_the_trend(
    client: TestClient, auth: Auth, engine: Engine
) -> None:
    victim_id = submit_incident(client, auth)["decisions"][0]["entity_id"]
    first = dash("DASH-1", yes=6, assessed_at="2026-03-01T08:30:00Z")
    second = dash(
        "DASH-2",
        yes=8,
        judgement_grade="high",
        judgement_reason="she fears he will come to 4 Harbour Row tonight",
    )
    for record in (first, second):
        sent = client.post("/api/assessments", json=record, headers=auth("officer"))
        assert sent.status_code == 200, sent.text
    path = f"/api/people/{victim_id}/assessments"
    assert client.get(path, headers=auth("officer")).status_code == 400, "purpose needed"
    body = client.get(path, params={"purpose": "MARAC prep"}, headers=auth("officer")).json()
    assert [a["ref"] for a in body["assessments"]] == ["DASH-1", "DASH-2"]
    assert [a["grade"] for a in body["assessments"]] == ["standard", "high"]
    assert body["assessments"][1]["raised_by_judgement"] is True
    assert [p["grade_change"] for p in body["trend"]] == ["first", "rose"]
    assert "Harbour Row" in str(body["assessments"][1]["reasons"])
    analyst = client.get(path, params={"purpose": "MARAC prep"}, headers=auth("analyst")).json()
    assert "Harbour Row" not in str(analyst), "free text withheld from analysts"
    assert analyst["assessments"][1]["grade"] == "high"
    rows = read_log(engine, action="person.view")
    assert {r.user for r in rows if r.purpose == "MARAC prep"} == {"officer", "analyst"}
    assert all(f"person:{victim_id}" in r.records for r in rows)
    unknown = client.get(
        "/api/people/P9999999/assessments", params={"purpose": "x check"}, headers=auth("officer")
    )
    assert unknown.status_code == 404


def test_the_marac_list_names_the_victim_and_why_as_json_and_safe_csv(
    client: TestClient, auth: Auth, engine: Engine
) -> None:
    victim_id = submit_incident(client, auth)["decisions"][0]["entity_id"]
    assert client.get("/api/marac/referrals", headers=auth("supervisor")).json()["referrals"] == []
    record = dash(
        yes=4, officer="=cmd|' /C calc'!A0", judgement_grade="high", judgement_reason="knife"
    )
    assert client.post("/api/assessments", json=record, headers=auth("officer")).status_code == 200
    body = client.get("/api/marac/referrals", headers=auth("supervisor")).json()
    [referral] = body["referrals"]
    assert referral["victim"] == victim_id and referral["incident_ref"] == "INC-D1"
    assert referral["criteria_met"] == ["professional_judgement"]
    assert referral["reasons"] == ["the officer graded the risk high: knife"]
    assert len(referral["criteria"]) == 4
    response = client.get("/api/marac/referrals.csv", headers=auth("analyst"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "marac-referrals-2026-03-01.csv" in response.headers["content-disposition"]
    header, row = list(csv.reader(io.StringIO(response.text)))
    cells = dict(zip(header, row, strict=True))
    assert cells["officer"].startswith("'="), "a formula is neutralised"
    assert cells["reasons"] == "the officer graded the risk high: (withheld)"
    rows = read_log(engine, action="marac.view")
    assert sorted(r.user for r in rows) == ["analyst", "supervisor", "supervisor"]
    assert [f"person:{victim_id}"] in [r.records for r in rows if r.user == "analyst"]
