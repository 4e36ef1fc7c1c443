"""Round trip (issue 25, part 6): the synthetic ex-partner campaign's communications exports,
imported and attributed, give the figures its truth file says.

Law quoted: "Occasions, not reports (PHA 1997 s7(3)): one report can disclose conduct on two or
more occasions ('a dozen texts after she told him to stop')"; "Non-molestation order breach
(Family Law Act 1996 s42A): ... An order made without notice binds only once the respondent is
aware of it (s42A(2))" (../shared/domain.md). Each contact while the order binds is a breach
occasion counted against it; each contact after she told him to stop is one more occasion.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from threadline.crossref.picture import build_picture
from threadline.guard.disclosure import disclose_picture
from threadline.ingest.comms import ReadOptions
from threadline.ingest.comms.importer import import_comms
from threadline.resolve.senders import attribute_comms
from threadline.store.comms import incident_key

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _campaign(folder: Path) -> dict[str, Any]:
    truth = json.loads((folder / "comms" / "truth_comms.json").read_text(encoding="utf-8"))
    assert truth["format"] == "threadline-synth-comms-truth/1"
    (campaign,) = truth["campaigns"]
    return campaign


def _import(engine: Any, folder: Path, campaign: dict[str, Any]) -> dict[str, Any]:
    paths = [folder / "comms" / campaign["series"] / name for name in campaign["files"]]
    with engine.connect() as conn:
        attachment = incident_key(conn, campaign["attach_to"])
    assert attachment is not None
    report = import_comms(engine, paths, attachment, options=ReadOptions(owner=campaign["owner"]))
    assert report.refused == 0
    attribute_comms(engine, attachment, NOW)
    with engine.connect() as conn:
        picture = build_picture(conn, campaign["attach_to"]).to_dict()
    (victim,) = [p for p in picture["people"] if p.get("communications")]
    return victim


def test_the_campaign_imports_to_its_truth(resolved_store: Any, small_force: Path) -> None:
    engine, _model = resolved_store
    campaign = _campaign(small_force)
    victim = _import(engine, small_force, campaign)
    comms = victim["communications"]
    assert comms["total"] == campaign["total_contacts"]
    assert comms["while_order_bound"] == {campaign["order"]: campaign["contacts_while_order_binds"]}
    him = comms["from_people"][0]  # the most contacts: his
    assert him["contacts"] == campaign["suspect_contacts"]
    assert him["while_order_bound"] == {
        campaign["order"]: campaign["suspect_contacts_while_order_binds"]
    }
    assert him["after_stop"] == campaign["suspect_contacts_after_stop"]
    assert him["told_to_stop_at"] == campaign["told_to_stop_at"]
    # every sender is decided as the truth says, with a reason of the expected kind
    decided = {s["sender"]: s for s in comms["senders"]}
    for sender in campaign["senders"]:
        got = decided[sender["sender"]]
        if sender["expect"] == "attributed":
            assert got["status"] == "attributed", sender
            assert got["entity_id"] == him["entity_id"], sender
        elif sender["expect"] == "not_suspect":
            assert got["entity_id"] != him["entity_id"], sender
        else:
            assert got["status"] == sender["expect"], sender
    # the new numbers, with their reason: named in her report, or his own sentences
    new_number = next(s for s in campaign["senders"] if s["basis"] == "named_in_report")
    assert "report names" in decided[new_number["sender"]]["reason"]
    burner = next(
        s
        for s in campaign["senders"]
        if s["basis"] == "shared_content" and s["expect"] == "attributed"
    )
    assert "distinctive sentences" in decided[burner["sender"]]["reason"]


def test_a_second_import_changes_nothing(resolved_store: Any, small_force: Path) -> None:
    engine, _model = resolved_store
    campaign = _campaign(small_force)
    first = _import(engine, small_force, campaign)["communications"]
    again = _import(engine, small_force, campaign)["communications"]
    assert again == first


def test_senders_are_withheld_from_roles_without_contact_details(
    resolved_store: Any, small_force: Path
) -> None:
    engine, _model = resolved_store
    campaign = _campaign(small_force)
    _import(engine, small_force, campaign)
    with engine.connect() as conn:
        picture = build_picture(conn, campaign["attach_to"]).to_dict()
    shown = disclose_picture(picture, "analyst")
    senders = [
        s for p in shown["people"] for s in (p.get("communications") or {}).get("senders", [])
    ]
    assert senders and all(s["sender"] == "(withheld)" for s in senders)
    assert not any("+44" in s["reason"] or "07700" in s["reason"] for s in senders)
    full = disclose_picture(picture, "officer")
    shown_to_them = [
        s for p in full["people"] for s in (p.get("communications") or {}).get("senders", [])
    ]
    assert any(s["sender"].startswith("07700") for s in shown_to_them)
