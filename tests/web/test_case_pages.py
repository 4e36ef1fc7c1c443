"""The case page and the officer's notifications: a course of conduct gathered at call time,
worked through the page's forms with the same checks and audit rows as the API (its JSON twin).

Protection from Harassment Act 1997 s7(3): a course of conduct is "conduct on at least two
occasions"; one case holds it, with one officer in the case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factories import incident, person
from threadline.crossref import submit
from threadline.guard import read_log
from threadline.model import parse_record

T0 = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)
WHY = {"purpose": "case review"}


def two_reports(store: Engine, model: Any) -> None:
    """Two reports taken by "Test officer" (the officer user's display name)."""
    for i in (1, 2):
        record = incident(
            f"RP-{i}",
            reported_at=(T0 + timedelta(days=i)).isoformat(),
            officer="Test officer",
            narrative="He turned up at her door this evening.",
            people=[
                person("victim", forenames="Morwenna", surname="Trevithick", dob="1988-06-30"),
                person("suspect", forenames="Bartholomew", surname="Quennell", dob="1979-02-11",
                       relationship_to_victim="former_partner"),
            ],
        )  # fmt: skip
        submit(store, model, parse_record(record), T0 + timedelta(days=i))


def form(client: TestClient, step: str, **fields: str) -> Any:
    token = client.headers["X-CSRF-Token"]
    return client.post(
        f"/cases/1/{step}",
        data={"csrf_token": token, "purpose": "case review", **fields},
        follow_redirects=False,
    )


def test_the_officer_is_told_and_the_case_is_worked_from_its_page(
    store: Engine, small_model: Any, signed_in: Callable[[str], TestClient]
) -> None:
    two_reports(store, small_model)
    officer = signed_in("officer")
    told = officer.get("/notifications")
    assert told.status_code == 200 and 'href="/cases/1"' in told.text
    assert "Case 1 opened at RP-2" in told.text and 'data-kind="opened"' in told.text
    assert signed_in("analyst").get("/notifications").status_code == 403
    prompt = officer.get("/cases/1")
    assert prompt.status_code == 200 and "purpose" in prompt.text.lower()
    page = officer.get("/cases/1", params=WHY)
    assert page.status_code == 200
    assert 'data-incident="RP-1"' in page.text and 'data-incident="RP-2"' in page.text
    assert "Test officer" in page.text and 'data-step="open"' in page.text
    assert 'action="/cases/1/assign"' not in page.text, "only a supervisor assigns"
    supervisor = signed_in("supervisor")
    moved = form(supervisor, "assign", officer="officer", team="PPU North")
    assert moved.status_code == 303 and moved.headers["location"].startswith("/cases/1?")
    assert form(officer, "note", note="Visited her at home").status_code == 303
    refused = form(signed_in("call_handler"), "note", note="Rang her back")
    assert refused.status_code == 403
    short = form(officer, "close", reason="done")
    assert short.status_code == 422
    page = officer.get("/cases/1", params=WHY).text
    assert "officer in the case officer" in page and "Visited her at home" in page
    analyst = signed_in("analyst").get("/cases/1", params=WHY).text
    assert "Visited her at home" not in analyst and "(withheld)" in analyst
    twin = officer.get("/api/cases/1", params=WHY).json()
    assert (twin["officer"], twin["team"]) == ("officer", "PPU North")
    assert [s["step"] for s in twin["steps"]] == ["open", "assign", "note"]
    assert (
        form(officer, "close", reason="Charged with harassment; victim safeguarded").status_code
        == 303
    )
    assert officer.get("/api/cases/1", params=WHY).json()["status"] == "closed"
    staff = [r.action for r in reversed(read_log(store)) if r.role != "system"]
    assert {"case.view", "case.assign", "case.note", "case.close"} <= set(staff)
