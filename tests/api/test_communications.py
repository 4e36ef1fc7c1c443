"""The message view of the API: a victim's messages counted and listed with filters, what they
say only for roles that may read it (communications.content), who sent them only for roles that
see contact details, and every look audited with its purpose (Data Protection Act 2018 Part 3:
logs of consultation make it possible to establish when, by whom and why)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from comms_factory import NUMBER, SECRET, VICTIM, stalked_victim
from threadline.guard import read_log

WHY = "INC-1: preparing the breach file"
PERSON = f"/api/people/{VICTIM}/communications"


def get(
    client: TestClient, auth: Callable[[str], dict[str, str]], role: str, path: str, **params: Any
) -> Any:
    return client.get(path, params={"purpose": WHY, **params}, headers=auth(role))


def test_an_officer_reads_the_messages_counts_and_the_order_band_and_is_audited(
    engine: Engine, client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    key = stalked_victim(engine)
    answer = get(client, auth, "officer", PERSON)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["content_shown"] and body["contact_details_shown"]
    assert body["total"] == 13 and len(body["messages"]) == 13  # her own message listed too
    assert body["contacts"] == 12  # ...but not counted as a contact
    texts = [m["text"] for m in body["messages"]]
    assert SECRET in texts and texts == sorted(texts, key=texts.index)
    assert body["messages"][0]["at"] < body["messages"][-1]["at"]  # in time order
    assert {"day": "2026-02-10", "channel": "sms", "count": 1} in body["per_day"]
    (band,) = body["orders"]
    # made without notice on 1 Feb, served on the 10th: binds from the 10th (s42A(2))
    assert (band["ref"], band["binds_from"], band["binding"]) == ("NMO-1", "2026-02-10", "served")
    (row,) = read_log(engine, action="communications.content")
    assert (row.user, row.purpose) == ("officer", WHY)
    assert f"person:{VICTIM}" in row.records and key in row.records


def test_a_call_handler_sees_counts_and_senders_but_not_what_the_messages_say(
    engine: Engine, client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    stalked_victim(engine)
    body = get(client, auth, "call_handler", PERSON).json()
    assert not body["content_shown"] and body["contact_details_shown"]
    assert body["contacts"] == 12 and len(body["messages"]) == 13
    assert SECRET not in str(body) and "pick up" not in str(body)
    said = [m for m in body["messages"] if "text" in m["withheld"]]
    assert len(said) == 12 and all(m["text"] is None for m in body["messages"])
    assert any(m["sender"] == NUMBER for m in body["messages"])
    assert read_log(engine, action="communications.content") == []
    (row,) = read_log(engine, action="communications.view")
    assert row.user == "call-handler" and row.purpose == WHY


def test_an_analyst_sees_neither_content_nor_who_sent_it_and_may_not_filter_by_sender(
    engine: Engine, client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    stalked_victim(engine)
    body = get(client, auth, "analyst", PERSON).json()
    assert not body["content_shown"] and not body["contact_details_shown"]
    assert NUMBER not in str(body) and "Alys Penhallow" not in str(body)
    assert {s["sender"] for s in body["senders"]} == {"(withheld)"}
    assert body["contacts"] == 12
    refused = get(client, auth, "analyst", PERSON, sender=NUMBER)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "sender"


def test_roles_without_the_view_are_refused(
    engine: Engine, client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    stalked_victim(engine)
    for role in ("auditor", "admin"):
        assert get(client, auth, role, PERSON).status_code == 403
        assert get(client, auth, role, "/api/incidents/INC-1/communications").status_code == 403


def test_filters_and_pages(
    engine: Engine, client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    stalked_victim(engine)
    sms = get(client, auth, "officer", PERSON, channel="sms").json()
    assert sms["total"] == 9 and {m["channel"] for m in sms["messages"]} == {"sms"}
    assert {d["channel"] for d in sms["per_day"]} == {"sms"}
    days = get(client, auth, "officer", PERSON, **{"from": "2026-02-10", "to": "2026-02-11"})
    assert {m["at"][:10] for m in days.json()["messages"]} == {"2026-02-10", "2026-02-11"}
    assert days.json()["filters"] == {"from": "2026-02-10", "to": "2026-02-11"}
    first = get(client, auth, "officer", PERSON, limit=5).json()
    second = get(client, auth, "officer", PERSON, limit=5, offset=5).json()
    assert first["total"] == second["total"] == 13
    assert not {m["at"] for m in first["messages"]} & {m["at"] for m in second["messages"]}
    by_sender = get(client, auth, "officer", PERSON, sender=NUMBER).json()
    assert by_sender["total"] == 12  # all but hers
    bad = get(client, auth, "officer", PERSON, channel="pigeon")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "channel"
    backwards = get(client, auth, "officer", PERSON, **{"from": "2026-03-01", "to": "2026-02-01"})
    assert backwards.status_code == 422


def test_a_day_is_a_date_written_out_not_a_number(
    engine: Engine, client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    """``to=0`` was read as Unix time (1970-01-01) and answered 200, though the OpenAPI says a
    date (schemathesis ST201, call handler)."""
    stalked_victim(engine)
    for name in ("from", "to"):
        refused = get(client, auth, "officer", PERSON, **{name: "0"})
        assert refused.status_code == 422 and refused.json()["error"]["field"] == name


def test_the_incident_s_messages_and_the_refusals(
    engine: Engine, client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    key = stalked_victim(engine)
    body = get(client, auth, "supervisor", "/api/incidents/INC-1/communications").json()
    assert body["subject"] == key and body["total"] == 13 and body["content_shown"]
    assert [o["ref"] for o in body["orders"]] == ["NMO-1"]
    no_purpose = client.get(PERSON, headers=auth("officer"))
    assert no_purpose.status_code == 400
    missing = get(client, auth, "officer", "/api/people/E-nobody/communications")
    assert missing.status_code == 404
    assert read_log(engine, action="communications.view")[0].detail == {"found": False}
    assert get(client, auth, "officer", "/api/incidents/INC-9/communications").status_code == 404
