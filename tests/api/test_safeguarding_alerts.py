"""Safeguarding alerts on the live path: a DASH answered "yes" to Q17 ("Has the abuser ever
threatened to kill you or someone else, and you believed them?") raises, when it is submitted,
an alert naming the referral it calls for (MARAC, on professional judgement, whatever the count:
``/work/shared/domain.md``, "Risk"), about the person the DASH assessed; a second DASH updates it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from factories import incident, person
from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.resolve.linkage import LinkageModel
from threadline.risk import load_checklist
from threadline.settings import Settings
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
Auth = Callable[[str], dict[str, str]]
VICTIM = person(
    "victim", forenames="Alys", surname="Penhallow", dob="1991-04-12", phones=["07700 900123"]
)


@pytest.fixture
def app(
    engine: Engine, config: ApiConfig, hasher: PasswordHasher, small_model: LinkageModel
) -> FastAPI:
    return create_app(
        Settings(), engine, config=config, clock=lambda: NOW, password_hasher=hasher,
        linkage_model=small_model,
    )  # fmt: skip


def dash(ref: str, *yes: int) -> dict[str, Any]:
    ids = load_checklist("dash").question_ids
    return {
        "kind": "risk_assessment", "ref": ref, "checklist": "dash", "incident_ref": "INC-D1",
        "subject": VICTIM, "assessed_at": "2026-03-01T09:00:00Z", "officer": "PC 4471",
        "answers": {q: "yes" if n + 1 in yes else "no" for n, q in enumerate(ids)},
    }  # fmt: skip


def test_a_dash_with_a_threat_to_kill_raises_one_marac_alert_about_its_subject(
    client: TestClient, auth: Auth, engine: Engine
) -> None:
    domestic = incident(
        "INC-D1", reported_at="2026-03-01T08:00:00Z", category="domestic", officer="PC 4471",
        narrative="Caller says her ex-partner pushed her and smashed her phone.",
        people=[VICTIM, person("suspect", forenames="Gareth", surname="Tregothnan",
                               relationship_to_victim="former_partner")],
    )  # fmt: skip
    raised = client.post("/api/incidents", json=domestic, headers=auth("officer"))
    assert raised.status_code == 200, raised.text
    assert "safeguarding" not in {a["rule_id"] for a in raised.json()["alerts"]}
    victim = raised.json()["decisions"][0]["entity_id"]
    first = client.post("/api/assessments", json=dash("DASH-1", 17, 2), headers=auth("officer"))
    assert first.status_code == 200, first.text
    again = client.post("/api/assessments", json=dash("DASH-2", 17, 18), headers=auth("officer"))
    assert again.status_code == 200, again.text
    with engine.connect() as conn:
        rows = conn.execute(select(t.alerts).where(t.alerts.c.rule_id == "safeguarding")).all()
    assert [r.alert_key for r in rows] == [f"safeguarding:{victim}:risk_to_life"]
    (row,) = rows
    assert row.details["referral"] == "marac"
    assert row.details["flags"] == ["dash.17", "dash.18"]
    assert "DASH-1 on INC-D1" in row.reason and "DASH-2 on INC-D1" in row.reason
