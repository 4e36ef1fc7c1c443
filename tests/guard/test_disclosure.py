"""The one disclosure decision: evidence withheld by its contact flag, never by its words.

Issue 22: "a test renders every stored explanation for every role before and after and finds the
same words and the same redactions; a test rewords an explanation and shows redaction still
holds". *Before* is the wording and the redaction as they were up to migration 0007: sentences
read back with patterns rebuilt from the wording. Those patterns are kept, frozen, in the
migration that converts the rows stored before (:func:`piece`), and serve here as the old
redaction.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import threadline.resolve.explain as explain
from threadline.guard import UserRole
from threadline.guard.disclosure import (
    WITHHELD,
    disclose_alerts,
    disclose_evidence,
    disclose_identifier,
    disclose_location,
    may_see_contact,
)
from threadline.guard.policy import sees_contact_details
from threadline.resolve.candidates import feature_rows
from threadline.resolve.explain import (
    Evidence,
    Sentence,
    explain_pair,
    read_evidence,
    stored_evidence,
)
from threadline.resolve.linkage import score_pairs
from threadline.store import tables as t

MIGRATION = (
    Path(explain.__file__).parent.parent / "store/migrations/versions/0007_evidence_as_data.py"
)


def _migration() -> Any:
    spec = importlib.util.spec_from_file_location("evidence_as_data", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


migration = _migration()


def old_view(line: str, role: UserRole) -> str:
    """A stored sentence as a role saw it before: redacted by the patterns of the wording."""
    if sees_contact_details(role):
        return line
    converted = migration.piece(line)
    return str(converted.get("withheld") or line)


def pair_rows(engine: Engine, model: Any, entities: int = 150) -> Iterator[dict[str, Any]]:
    """Pairs of fellow members of the first ``entities`` people with two or more records,
    scored now: the explanations the person view and call time write."""
    em = t.entity_members
    with engine.connect() as conn:
        ids = conn.execute(
            select(em.c.entity_id)
            .group_by(em.c.entity_id)
            .having(func.count() > 1)
            .order_by(em.c.entity_id)
            .limit(entities)
        ).scalars()
        for entity_id in list(ids):
            keys = conn.execute(
                select(em.c.mention_key).where(em.c.entity_id == entity_id)
            ).scalars()
            rows = feature_rows(conn, list(keys))
            if len(rows) > 1:
                yield from score_pairs(model, rows[0], rows[1:]).to_dict("records")


def stored_lines(engine: Engine) -> list[list[str]]:
    """Every stored explanation (memberships and review queue), read back as lines."""
    with engine.connect() as conn:
        members = conn.execute(select(t.entity_members.c.evidence)).scalars().all()
        queue = conn.execute(select(t.review_queue.c.evidence)).scalars().all()
    return [read_evidence(e) for e in [*members, *queue] if e]


def test_every_explanation_reads_the_same_for_every_role_as_before(
    resolved_store: tuple[Engine, Any],
) -> None:
    engine, model = resolved_store
    explained = [explain_pair(model, row) for row in pair_rows(engine, model)]
    stored = stored_lines(engine)
    everything = [*explained, *stored]
    lines = [line for lines in everything for line in lines]
    contact = [line for line in lines if isinstance(line, Sentence) and line.contact]
    assert len(explained) > 200 and len(stored) > 200
    assert len(contact) > 100, "the force's explanations quote phones and addresses"
    assert any(line.evidence.comparison == "address" for line in contact)
    assert any(line.evidence.comparison == "phones" for line in contact)
    withheld = 0
    for role in UserRole:
        for lines_of_one in everything:
            now_shown = disclose_evidence(lines_of_one, role)
            assert now_shown == [old_view(str(line), role) for line in lines_of_one], role
            withheld += sum(WITHHELD in line for line in now_shown)
    assert withheld >= 3 * len(contact), "analyst, auditor and admin each lose every value"


def test_stored_evidence_round_trips_through_json(resolved_store: tuple[Engine, Any]) -> None:
    engine, model = resolved_store
    for row in list(pair_rows(engine, model, entities=20)):
        lines = explain_pair(model, row)
        back = read_evidence(stored_evidence(lines))
        assert back == lines
        assert [b.contact for b in back] == [line.contact for line in lines]  # type: ignore[attr-defined]


def test_rewording_an_explanation_keeps_the_redaction(
    resolved_store: tuple[Engine, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a phone or an address said in other words slipped past the patterns."""
    engine, model = resolved_store

    def phones(level: Any, a: Any, b: Any) -> str:
        return f"the number(s) {' & '.join(sorted(set(a or []) & set(b or [])))} on both records"

    reworded = {**explain._DESCRIBERS, "phones": phones}
    monkeypatch.setattr(explain, "_DESCRIBERS", reworded)
    addresses = {k: (f"both at «{{a}}» / «{{b}}» (level {k})", w) for k, (_, w) in
                 explain.ADDRESS_TEXTS.items()}  # fmt: skip
    monkeypatch.setattr(explain, "ADDRESS_TEXTS", addresses)
    lines = [line for row in pair_rows(engine, model) for line in explain_pair(model, row)]
    flagged = [line for line in lines if isinstance(line, Sentence) and line.contact]
    said = [line for line in flagged if "on both records" in line or "both at «" in line]
    assert len(said) > 50, "the new wording is in use"
    values = {str(v) for line in flagged for side in line.evidence.values or () for v in
              (side if isinstance(side, list) else [side]) if v}  # fmt: skip
    assert any(old_view(line, UserRole.analyst) == line for line in said), "patterns miss it"
    for role in (UserRole.analyst, UserRole.auditor, UserRole.admin):
        shown = " ".join(disclose_evidence(flagged, role))
        leaked = sorted(v for v in values if v in shown)
        assert leaked == [], role
    assert disclose_evidence(flagged, UserRole.officer) == [str(line) for line in flagged]


def test_legacy_rows_convert_to_the_same_words_and_redactions() -> None:
    lines = [
        "linked to incident:cad:INC-1#0",
        "match probability 0.9990 (match weight +10.0)",
        "phone +447700900123 in both: +9.8",
        "no e-mail in common (a@example.org / b@example.org): -1.5",
        "same house and street (4|quay / 4|quay): +5.0",
        "surname penhallow in both: +4.6",
        "judged the same person as crime:rms:CRM-1#0 by analyst",
    ]
    pieces, linked = migration.converted(lines)
    assert linked == "incident:cad:INC-1#0" and len(pieces) == len(lines) - 1
    back = read_evidence(pieces)
    assert back == lines[1:]
    for role in UserRole:
        assert disclose_evidence(back, role) == [old_view(line, role) for line in lines[1:]]
    assert disclose_evidence(back, "analyst")[1:4] == [
        "phone in both (withheld): +9.8",
        "no e-mail in common (withheld): -1.5",
        "same house and street (withheld): +5.0",
    ]


def test_one_decision_for_identifiers_locations_and_alerts() -> None:
    assert disclose_identifier("07700 900123", "analyst", "victim") == WITHHELD
    assert disclose_identifier("07700 900123", "analyst", "suspect") == "07700 900123"
    assert disclose_identifier("07700 900123", "officer", "victim") == "07700 900123"
    assert not may_see_contact("auditor") and may_see_contact("call_handler")
    assert disclose_location("4 Quay Street, TR1 2AA", "auditor") == WITHHELD
    assert disclose_location("4 Quay Street, TR1 2AA", "supervisor") == "4 Quay Street, TR1 2AA"
    alert = {
        "rule_id": "repeat_location",
        "alert_key": "repeat_location:4|quay|TR1 2AA",
        "reason": "5 incidents at 4 Quay Street, TR1 2AA in 12 months",
        "details": {"location_key": "4|quay|TR1 2AA", "location": "4 Quay Street, TR1 2AA"},
    }
    (shown,) = disclose_alerts([alert], "analyst")
    assert "Quay" not in str(shown) and WITHHELD in shown["reason"]
    assert disclose_alerts([alert], "officer") == [alert]
    assert alert["details"]["location"] == "4 Quay Street, TR1 2AA", "the input is not changed"


def test_a_note_is_shown_as_written_and_a_plain_evidence_piece_by_its_flag() -> None:
    note = "judged the same person as crime:rms:CRM-1#0 by analyst"
    piece = Evidence("vehicles", 3.2, 1, "", (["AB12CDE"], ["AB12CDE"]), contact=True)
    assert disclose_evidence([note, piece], "auditor") == [
        note,
        "vehicle in both (withheld): +3.2",
    ]
    assert disclose_evidence([piece], "officer") == ["vehicle AB12CDE in both: +3.2"]


def test_the_link_graph_withholds_every_kind_but_people_and_records_under_an_id_without_value():
    from threadline.guard.disclosure import disclose_network
    from threadline.links import Edge, Network, Node

    net = Network(
        "P1",
        [
            Node("P1", "person", "Alys Penhallow"),
            Node("incident:cad:INC-1", "incident", "INC-1 (harassment, 2026-01-05)"),
            Node("phone:+447700900123", "phone", "phone +447700900123"),
            Node("imei:356938035643809", "imei", "imei 356938035643809"),  # a kind added later
        ],
        [
            Edge("P1", "incident:cad:INC-1", "party_to", "INC-1: victim"),
            Edge("P1", "phone:+447700900123", "has_phone", "phone +447700900123 for Alys"),
            Edge("P1", "imei:356938035643809", "has_imei", "imei 356938035643809 for Alys"),
        ],
    )
    assert disclose_network(net, "officer") == net
    shown = disclose_network(net, "analyst")
    text = repr(shown)
    assert "900123" not in text and "356938035643809" not in text
    assert [n.label for n in shown.nodes][2:] == ["phone (withheld)", "imei (withheld)"]
    ids = {n.id for n in shown.nodes}
    assert ids == {"P1", "incident:cad:INC-1", "phone:withheld-1", "imei:withheld-2"}
    assert all(e.source in ids and e.target in ids for e in shown.edges)  # links still join up
    assert shown.edges[0] == net.edges[0] and shown.edges[1].evidence == "has phone (withheld)"


def test_a_folded_alert_does_not_name_the_place_its_alert_withholds() -> None:
    """The person profile's folded alerts (issue 24) name their latest alert by key, and a
    repeat location's key holds the place: for a role without contact details it is withheld
    as the alert's own key is, so the folded entry still finds its alert and shows no address."""
    from threadline.guard.disclosure import disclose_profile

    place = "4|highfield|st18 0lp"
    alert = {
        "alert_key": f"repeat_location:{place}",
        "rule_id": "repeat_location",
        "incident_ref": "INC-1",
        "reason": f"4 incidents at {place}",
        "details": {"location_key": place},
        "status": "open",
        "severity": "low",
    }
    folded = {"rule_id": "repeat_location", "latest": alert["alert_key"], "refs": ["INC-1"]}
    profile = {"entity_id": "P1", "mentions": [], "alerts": [alert], "folded_alerts": [folded]}
    for role in ("analyst", "auditor"):
        shown = disclose_profile(profile, role)
        assert place not in repr(shown)
        assert shown["folded_alerts"][0]["latest"] == shown["alerts"][0]["alert_key"]
    assert place in repr(disclose_profile(profile, "officer"))
