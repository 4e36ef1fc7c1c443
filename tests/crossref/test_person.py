"""The person view: a resolved person's mentions, timeline, orders, assessments, alerts, history,
why their records are one person, and what roles without contact details are shown."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from threadline.crossref import build_picture
from threadline.crossref.person import (
    WITHHELD,
    load_person_profile,
    membership_evidence,
    person_profile,
    redact_picture,
    redact_profile,
    withhold_contact_evidence,
)
from threadline.crossref.picture import NotFound
from threadline.resolve.explain import ADDRESS_TEXTS, SUMMARY, Evidence, Sentence
from threadline.resolve.review import split_entity
from threadline.store import open_store
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, tzinfo=UTC)
Victim = tuple[Engine, Any, str, dict[str, Any]]


def stalking_victim(folder: Path) -> dict[str, Any]:
    """The victim of the force's ex-partner stalking series, as the truth file gives her."""
    truth = json.loads((folder / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    return dict(truth["people"][series["victims"][0]])


def entity_of_person(engine: Engine, who: dict[str, Any]) -> str:
    """The entity most of this person's mentions were resolved to."""
    m, em = t.mentions, t.entity_members
    with engine.connect() as conn:
        rows = conn.execute(
            select(em.c.entity_id)
            .join(m, m.c.mention_key == em.c.mention_key)
            .where(m.c.surname == who["surname"], m.c.dob == who["dob"])
        ).scalars()
        return Counter(rows).most_common(1)[0][0]


@pytest.fixture
def victim(resolved_force: Any, small_force: Path) -> Iterator[Victim]:
    """The stalking victim's entity in the shared resolved force (read only)."""
    path, model = resolved_force
    engine = open_store(f"sqlite:///{path}")
    who = stalking_victim(small_force)
    yield engine, model, entity_of_person(engine, who), who
    engine.dispose()


def test_profile_gathers_every_mention_and_record_of_the_person(victim: Any) -> None:
    engine, _model, entity_id, who = victim
    with engine.connect() as conn:
        profile = person_profile(conn, entity_id)
        members = conn.execute(
            select(func.count()).where(t.entity_members.c.entity_id == entity_id)
        ).scalar_one()
    assert profile.entity_id == entity_id
    assert profile.label and who["surname"].lower() in profile.label.lower()
    assert len(profile.mentions) == members > 3
    assert {m["record_key"] for m in profile.mentions} == {e.record_key for e in profile.timeline}
    whens = [e.when for e in profile.timeline]
    assert whens == sorted(whens, reverse=True), "newest first"
    assert any(who["forenames"] in role for e in profile.timeline for role in e.roles)
    kinds = {e.kind for e in profile.timeline}
    assert {"incident", "order", "risk_assessment"} <= kinds
    assert any(who["phones"][0] in m["phones"] for m in profile.mentions), "raw phone kept"


def test_profile_orders_assessments_alerts_and_history(victim: Any) -> None:
    engine, _model, entity_id, _who = victim
    with engine.connect() as conn:
        profile = person_profile(conn, entity_id, today=date(2023, 10, 1))
        later = person_profile(conn, entity_id, today=date(2030, 1, 1))
    assert profile.orders and all(o.role == "protected" for o in profile.orders)
    assert any(o.active for o in profile.orders)
    assert not any(o.active for o in later.orders), "orders end"
    points = profile.assessments
    assert points and [p.assessed_at for p in points] == sorted(p.assessed_at for p in points)
    by_checklist: dict[str, list[Any]] = {}
    for point in points:
        by_checklist.setdefault(point.checklist, []).append(point)
    for series in by_checklist.values():
        assert series[0].score_change == "first"
        for before, after in zip(series, series[1:], strict=False):
            expected = (
                "rose" if after.yes_count > before.yes_count
                else "fell" if after.yes_count < before.yes_count
                else "same"
            )  # fmt: skip
            assert after.score_change == expected
    assert profile.alerts and all(entity_id in a["people"] for a in profile.alerts)
    assert all(a["status"] == "open" for a in profile.alerts)
    assert profile.history and profile.history[0]["entity_id"] == entity_id
    text = json.dumps(profile.to_dict())
    assert entity_id in text


def test_unknown_person_is_not_found(victim: Any) -> None:
    engine, model, _entity_id, _who = victim
    with engine.connect() as conn:
        with pytest.raises(NotFound):
            person_profile(conn, "P-nobody")
        with pytest.raises(NotFound):
            membership_evidence(conn, model, "P-nobody")
    assert load_person_profile(engine, "P-nobody") is None


def test_membership_evidence_rescores_batch_links_in_words(victim: Any) -> None:
    engine, model, entity_id, who = victim
    with engine.connect() as conn:
        evidence = membership_evidence(conn, model, entity_id)
        stored = dict(
            conn.execute(
                select(t.entity_members.c.mention_key, t.entity_members.c.linked_to).where(
                    t.entity_members.c.entity_id == entity_id
                )
            ).all()
        )
    assert {e.mention_key for e in evidence} == set(stored)
    for item in evidence:
        assert item.linked_to in stored and item.linked_to != item.mention_key
        assert item.probability is not None and 0.0 < item.probability <= 1.0
        assert item.evidence[0].startswith("match probability")
        if stored[item.mention_key]:
            assert item.linked_to == stored[item.mention_key]
    lines = " ".join(line for item in evidence for line in item.evidence)
    assert who["surname"].lower() in lines


def test_membership_evidence_after_a_split_names_the_reason(resolved_store: Any) -> None:
    engine, model = resolved_store
    with engine.begin() as conn:
        entity_id, _n = conn.execute(
            select(t.entity_members.c.entity_id, func.count().label("n"))
            .group_by(t.entity_members.c.entity_id)
            .having(func.count() >= 3)
            .order_by(t.entity_members.c.entity_id)
        ).first()
        members = sorted(
            conn.execute(
                select(t.entity_members.c.mention_key).where(
                    t.entity_members.c.entity_id == entity_id
                )
            ).scalars()
        )
        new_id = split_entity(conn, entity_id, [members[0]], "analyst1", NOW, "a different man")
    with engine.connect() as conn:
        [alone] = membership_evidence(conn, model, new_id)
        rest = membership_evidence(conn, model, entity_id)
        history = person_profile(conn, new_id).history
    assert alone.mention_key == members[0] and alone.linked_to is None
    assert any("a different man" in line for line in alone.evidence)
    assert len(rest) == len(members) - 1
    assert history[0]["action"] == "created" and "a different man" in history[0]["note"]


def test_contact_evidence_is_withheld_but_its_weight_stays() -> None:
    phones = (["+447700900123"], ["+447700900123", "+447700900999"])
    pieces = [
        Evidence(SUMMARY, weight=10.0, probability=0.999),
        Evidence("phones", 9.8, 1, "", phones, contact=True),
        Evidence("emails", 8.0, 1, "", (["a.b@example.org"], ["a.b@example.org"]), True),
        Evidence("address", 5.0, 1, "", ("4|quay|TR1 2AA", "4|quay|TR1 2AA"), True),
        Evidence("address", 3.0, 3, "", ("TR1 2AA", "TR1 2AA"), True),
        Evidence("phones", -2.0, 2, "", (["+447700900123"], ["+447700900456"]), True),
        Evidence("surname", 4.6, 1, "", ("penhallow", "penhallow")),
    ]
    lines = [Sentence(p) for p in pieces]
    assert lines[1] == "phone +447700900123 in both: +9.8"
    out = withhold_contact_evidence(lines)
    assert out[0] == lines[0] == "match probability 0.9990 (match weight +10.0)"
    assert out[-1] == lines[-1] == "surname penhallow in both: +4.6"
    assert out[1] == "phone in both (withheld): +9.8"
    assert out[4] == "same postcode (withheld): +3.0"
    text = " ".join(out)
    for secret in ("7700900123", "7700900456", "a.b@example.org", "quay", "TR1 2AA"):
        assert secret not in text


def test_every_level_of_address_evidence_is_withheld() -> None:
    """Each address text the explanation can write (a new level included) loses its values."""
    secret = "6|swallow|ST16 1WU"
    for position in ADDRESS_TEXTS:
        line = Sentence(Evidence("address", 7.8, position, "", (secret, secret), contact=True))
        assert "swallow" in line
        (out,) = withhold_contact_evidence([line])
        assert "swallow" not in out and "ST16" not in out, (position, out)
        assert out.endswith(f"{WITHHELD}: +7.8"), out


def test_an_analyst_sees_no_victim_phone_or_address_in_profile_or_picture(victim: Any) -> None:
    engine, _model, entity_id, who = victim
    with engine.connect() as conn:
        profile = person_profile(conn, entity_id).to_dict()
        incident_ref = next(e.ref for e in person_profile(conn, entity_id).timeline
                            if e.kind == "incident")  # fmt: skip
        picture = build_picture(conn, incident_ref).to_dict()
    street = who["address"].split(",")[0]
    assert who["phones"][0] in json.dumps(profile) and street in json.dumps(profile)
    for role in ("analyst", "auditor"):
        text = json.dumps(redact_profile(profile, role))
        assert who["phones"][0] not in text and street not in text
        assert who["postcode"] not in text
        shown = json.dumps(redact_picture(picture, role))
        assert who["postcode"] not in shown and street not in shown
        assert "+44" not in shown
    assert json.dumps(redact_profile(profile, "officer")) == json.dumps(profile)
