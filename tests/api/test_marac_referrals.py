"""A MARAC referral over HTTP, from made to heard to its actions and closed: every step, its
refusals, its audit rows, and the repeat-referral criterion it feeds.

SafeLives referral criteria (``/work/shared/domain.md``, "Risk"): "visible high risk (14+);
professional judgement; potential escalation (3 or more police-recorded incidents in 12 months
...); repeat referral (a MARAC case within the last 12 months)". A referral made and then lost is
what the inspectorate finds; here each step is a record with who and when, in the audit chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from api_client import NOW
from threadline.guard import User, read_log
from threadline.guard.audit import verify
from threadline.store import tables as t
from threadline.store import writing

PURPOSE = {"purpose": "INC-7 DASH Q17"}
Auth = Callable[[str], dict[str, str]]
REFER = {
    "victim": "P-V",
    "criteria": ["professional_judgement"],
    "reason": "DASH Q17 yes: he threatened to kill her; 6 yes in all",
    "alert_key": "safeguarding:P-V:risk_to_life",
}


@pytest.fixture
def victim(engine: Engine, users: dict[str, User]) -> str:
    with writing(engine) as conn:
        conn.execute(
            insert(t.entities),
            {"id": "P-V", "kind": "person", "label": "Olivia Tenworth",
             "created_at": NOW, "updated_at": NOW},
        )  # fmt: skip
    return "P-V"


def call(client: TestClient, auth: Auth, role: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, params=PURPOSE, json=body, headers=auth(role))


def test_a_referral_from_made_to_heard_to_its_actions_and_closed(
    client: TestClient, auth: Auth, victim: str, engine: Engine
) -> None:
    made = call(client, auth, "officer", "/api/marac-referrals", REFER)
    assert made.status_code == 201, made.text
    ref = made.json()["ref"]
    assert ref == "MARAC-000001" and made.json()["status"] == "made"
    base = f"/api/marac-referrals/{ref}"
    early = call(client, auth, "supervisor", f"{base}/actions",
                 {"text": "IDVA to contact victim", "owner": "IDVA service"})  # fmt: skip
    assert early.status_code == 409 and "not been heard" in early.json()["error"]["message"]
    heard = call(client, auth, "supervisor", f"{base}/hear",
                 {"heard_on": "2026-03-01", "meeting": "Exeter MARAC"})  # fmt: skip
    assert heard.status_code == 200 and heard.json()["status"] == "heard"
    for text, owner in (("IDVA to contact the victim within 24 hours", "IDVA service"),
                        ("Flag the address for an urgent response", "Police")):  # fmt: skip
        agreed = {"text": text, "owner": owner, "due": "2026-03-02"}
        assert call(client, auth, "supervisor", f"{base}/actions", agreed).status_code == 200
    closing = {"reason": "All actions done; risk reduced to medium"}
    too_soon = call(client, auth, "supervisor", f"{base}/close", closing)
    assert too_soon.status_code == 409 and "1, 2" in too_soon.json()["error"]["message"]
    done = call(client, auth, "officer", f"{base}/actions/2/complete",
                {"note": "Address flagged on the command and control system"})  # fmt: skip
    assert done.status_code == 200
    assert [a["done"] for a in done.json()["actions"]] == [False, True]
    assert done.json()["actions"][1]["done_by"] == "officer"
    assert call(client, auth, "supervisor", f"{base}/actions/1/complete",
                {"note": "IDVA spoke to the victim on 2 March"}).status_code == 200  # fmt: skip
    closed = call(client, auth, "supervisor", f"{base}/close", closing)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert [s["step"] for s in closed.json()["steps"]] == [
        "refer", "hear", "action", "action", "complete", "complete", "close"]  # fmt: skip
    logged = [(row.action, row.user) for row in reversed(read_log(engine))]
    assert [a for a, _ in logged if a.startswith("marac.")] == [
        "marac.refer", "marac.hear", "marac.action", "marac.action", "marac.complete",
        "marac.complete", "marac.close"]  # fmt: skip
    assert verify(engine).ok
    shown = client.get(f"/api/people/{victim}/marac-referrals", params=PURPOSE,
                       headers=auth("analyst"))  # fmt: skip
    assert shown.status_code == 200
    assert [r["ref"] for r in shown.json()["referrals"]] == [ref]
    assert read_log(engine)[0].action == "marac.referrals"


@pytest.mark.parametrize(
    ("role", "step"),
    [
        ("call_handler", "refer"),
        ("analyst", "refer"),
        ("auditor", "refer"),
        ("officer", "hear"),
        ("officer", "close"),
        ("call_handler", "complete"),
    ],
)
def test_roles_that_may_not_take_a_step_are_refused(
    client: TestClient, auth: Auth, victim: str, role: str, step: str
) -> None:
    ref = call(client, auth, "supervisor", "/api/marac-referrals", REFER).json()["ref"]
    assert call(client, auth, "supervisor", f"/api/marac-referrals/{ref}/hear",
                {"heard_on": "2026-03-01"}).status_code == 200  # fmt: skip
    paths = {
        "refer": ("/api/marac-referrals", REFER),
        "hear": (f"/api/marac-referrals/{ref}/hear", {"heard_on": "2026-03-01"}),
        "close": (f"/api/marac-referrals/{ref}/close", {"reason": "Nothing more to do here"}),
        "complete": (f"/api/marac-referrals/{ref}/actions/1/complete", {"note": "done it all"}),
    }
    path, body = paths[step]
    assert call(client, auth, role, path, body).status_code == 403


def test_refusals_name_what_is_wrong(client: TestClient, auth: Auth, victim: str) -> None:
    unknown = call(client, auth, "officer", "/api/marac-referrals", {**REFER, "victim": "P-X"})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "victim"
    bad = call(client, auth, "officer", "/api/marac-referrals", {**REFER, "criteria": ["hunch"]})
    assert bad.status_code == 422
    short = call(client, auth, "officer", "/api/marac-referrals", {**REFER, "reason": "high"})
    assert short.status_code == 422 and short.json()["error"]["field"] == "reason"
    extra = call(client, auth, "officer", "/api/marac-referrals", {**REFER, "urgent": True})
    assert extra.status_code == 422
    missing = call(client, auth, "supervisor", "/api/marac-referrals/MARAC-999999/hear",
                   {"heard_on": "2026-03-01"})  # fmt: skip
    assert missing.status_code == 404
    ref = call(client, auth, "officer", "/api/marac-referrals", REFER).json()["ref"]
    future = call(client, auth, "supervisor", f"/api/marac-referrals/{ref}/hear",
                  {"heard_on": "2026-04-01"})  # fmt: skip
    assert future.status_code == 422 and future.json()["error"]["field"] == "heard_on"
    no_purpose = client.post("/api/marac-referrals", json=REFER, headers=auth("officer"))
    assert no_purpose.status_code == 400
    assert client.get(f"/api/marac-referrals/{ref}", params=PURPOSE).status_code == 401
    assert client.get(f"/api/marac-referrals/{ref}", params=PURPOSE,
                      headers=auth("call_handler")).status_code == 403  # fmt: skip


def test_a_referral_made_here_is_a_previous_referral_on_the_list(
    client: TestClient, auth: Auth, victim: str
) -> None:
    """Repeat referral: "a MARAC case within the last 12 months". Without a referral recorded
    here the criterion stays "not known", never "no referral"."""
    from threadline.crossref.marac_referrals import previous_referrals

    engine = client.app.state.engine  # type: ignore[attr-defined]
    assert previous_referrals(engine, NOW) == {}
    ref = call(client, auth, "officer", "/api/marac-referrals", REFER).json()["ref"]
    assert previous_referrals(engine, NOW) == {"P-V": [(ref, NOW)]}
