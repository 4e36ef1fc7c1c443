"""A sender of a victim's communications evidence in the review queue (issue 25, part 2): a
number or handle the evidence does not settle goes to review against her suspect; a reviewer's
judgement is kept like any other and decides it, and the counts follow."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from api_client import Api
from threadline.guard import read_log
from threadline.ingest.comms import ReadOptions
from threadline.ingest.comms.importer import import_comms
from threadline.resolve.senders import attribute_comms
from threadline.store import tables as t
from threadline.store.comms import incident_key

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _import(api: Api, folder: Path) -> dict[str, Any]:
    truth = json.loads((folder / "comms" / "truth_comms.json").read_text(encoding="utf-8"))
    (campaign,) = truth["campaigns"]
    paths = [folder / "comms" / campaign["series"] / name for name in campaign["files"]]
    with api.engine.connect() as conn:
        attachment = incident_key(conn, campaign["attach_to"])
    assert attachment is not None
    import_comms(api.engine, paths, attachment, options=ReadOptions(owner=campaign["owner"]))
    attribute_comms(api.engine, attachment, NOW)
    return dict(campaign)


def _sender_pairs(api: Api, role: str) -> list[dict[str, Any]]:
    pairs = api.client.get("/api/review", params={"limit": 500}, headers=api.auth(role)).json()[
        "pairs"
    ]
    return [p for p in pairs if p["mention_a"]["role"] == "sender"]


def _row(api: Api, sender: str) -> Any:
    with api.engine.connect() as conn:
        return conn.execute(select(t.comms_senders).where(t.comms_senders.c.sender == sender)).one()


def test_an_unsettled_sender_is_queued_and_a_judgement_decides_it(
    api: Api, small_force: Path
) -> None:
    campaign = _import(api, small_force)
    handle = next(s["sender"] for s in campaign["senders"] if s["expect"] == "review")
    pairs = _sender_pairs(api, "supervisor")
    pair = next(p for p in pairs if p["mention_a"]["name"] == handle)
    assert pair["mention_a"]["ref"] == campaign["attach_to"]
    assert any("distinctive sentence" in line for line in pair["evidence"])
    # an analyst may not see contact details: the handle is withheld, in the summary too
    hidden = next(p for p in _sender_pairs(api, "analyst") if p["id"] == pair["id"])
    assert hidden["mention_a"]["name"] == "(withheld)"
    body = {
        "mention_a": pair["mention_a"]["mention_key"],
        "mention_b": pair["mention_b"]["mention_key"],
        "judgement": "same",
        "note": "same sign-off as his texts",
    }
    response = api.client.post("/api/review/judgements", json=body, headers=api.auth("supervisor"))
    assert response.status_code == 201, response.text
    row = _row(api, handle)
    assert row.status == "attributed" and row.entity_id == pair["mention_b"]["entity_id"]
    assert row.evidence[0] == {
        "basis": "reviewed",
        "entity_id": row.entity_id,
        "value": "supervisor",
    }
    assert read_log(api.engine)[0].action == "review.judge"
    # gone from the queue, and a second attribution keeps the reviewer's word
    assert all(p["id"] != pair["id"] for p in _sender_pairs(api, "supervisor"))
    attribute_comms(api.engine, row.attachment, NOW)
    assert _row(api, handle).status == "attributed"


def test_judged_different_takes_a_sender_from_him(api: Api, small_force: Path) -> None:
    campaign = _import(api, small_force)
    handle = next(s["sender"] for s in campaign["senders"] if s["expect"] == "review")
    pair = next(p for p in _sender_pairs(api, "supervisor") if p["mention_a"]["name"] == handle)
    body = {
        "mention_a": pair["mention_b"]["mention_key"],  # either order
        "mention_b": pair["mention_a"]["mention_key"],
        "judgement": "different",
    }
    response = api.client.post("/api/review/judgements", json=body, headers=api.auth("supervisor"))
    assert response.status_code == 201, response.text
    row = _row(api, handle)
    assert row.status == "unattributed" and row.entity_id is None
    assert row.evidence[0]["basis"] == "reviewed_different"


def test_an_unknown_sender_key_is_refused_naming_the_field(api: Api, small_force: Path) -> None:
    _import(api, small_force)
    pair = _sender_pairs(api, "supervisor")[0]
    body = {
        "mention_a": "comms-sender:00000000000000000000",
        "mention_b": pair["mention_b"]["mention_key"],
        "judgement": "same",
    }
    response = api.client.post("/api/review/judgements", json=body, headers=api.auth("supervisor"))
    assert response.status_code == 404
    assert "mention_a" in response.text
