"""The accountability page and its JSON twin: what a supervisor must act on, audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.crossref.alerts import save_changes
from threadline.guard import read_log
from threadline.recognise import Alert, AlertChange
from threadline.store import writing

KEY = "order_breach:NMO-1:INC-7"


def raised(store: Engine) -> None:
    found = Alert("order_breach", KEY, "INC-7", ("P-S", "P-V"), "breach", ("INC-7",), "high", "a")
    with writing(store) as conn:
        save_changes(conn, [AlertChange("raised", found)], datetime.now(UTC))


def test_the_page_lists_an_undecided_breach_with_a_link_to_its_incident(
    store: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    raised(store)
    supervisor = signed_in("supervisor")
    prompt = supervisor.get("/accountability")
    assert prompt.status_code == 200 and "purpose" in prompt.text.lower()
    page = supervisor.get("/accountability", params={"purpose": "shift review"})
    assert page.status_code == 200
    assert f'data-alert="{KEY}"' in page.text
    assert 'href="/incidents/INC-7"' in page.text
    assert "Breach alerts without an arrest decision (1)" in page.text
    row = read_log(store)[0]
    assert row.action == "dashboard.view" and row.purpose == "shift review"
    assert row.records == ["person:P-S", "person:P-V"]
    other_team = supervisor.get("/accountability", params={"purpose": "shift", "team": "B"})
    assert "Breach alerts without an arrest decision (0)" in other_team.text
    assert signed_in("call_handler").get("/accountability").status_code == 403


def test_the_json_twin_says_the_same(store: Engine, signed_in: Callable[[str], TestClient]) -> None:
    raised(store)
    answer = signed_in("analyst").get("/api/accountability", params={"purpose": "review"})
    assert answer.status_code == 200
    [item] = answer.json()["breaches_without_decision"]
    assert (item["alert_key"], item["team"]) == (KEY, "(unassigned)")
    assert signed_in("analyst").get("/api/accountability").status_code == 400
