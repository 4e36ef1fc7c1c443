"""People over HTTP: search, the profile, why its records are one person, splitting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api_client import Api
from audit_rows import staff_log
from threadline.guard import read_log
from threadline.store import tables as t

PURPOSE = {"purpose": "INC-T1 call-back"}


@pytest.fixture
def victim(small_force: Path) -> dict[str, Any]:
    """The force's ex-partner stalking victim, as its truth gives her."""
    truth = json.loads((small_force / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    return dict(truth["people"][series["victims"][0]])


def find(api: Api, role: str, **params: str) -> Any:
    return api.client.get("/api/people/search", params=params, headers=api.auth(role))


def entity_of(api: Api, victim: dict[str, Any]) -> str:
    body = find(api, "officer", surname=victim["surname"], dob=victim["dob"],
                forenames=victim["forenames"], **PURPOSE).json()  # fmt: skip
    return str(body["hits"][0]["entity_id"])


def test_search_needs_a_purpose_and_is_audited_with_the_query(
    api: Api, victim: dict[str, Any]
) -> None:
    missing = find(api, "call_handler", surname=victim["surname"])
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "purpose"
    response = find(api, "call_handler", forenames=victim["forenames"],
                    surname=victim["surname"], dob=victim["dob"], **PURPOSE)  # fmt: skip
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert hits[0]["probability"] > 0.9 and hits[0]["records"] > 5
    row, refused = staff_log(api.engine)
    assert refused.action == "access.refused" and refused.detail["status"] == 400
    assert row.action == "person.search" and row.purpose == PURPOSE["purpose"]
    assert row.detail["query"] == {
        "forenames": victim["forenames"], "surname": victim["surname"], "dob": victim["dob"],
    }  # fmt: skip
    assert row.records[0] == f"person:{hits[0]['entity_id']}"


def test_search_errors_name_the_field(api: Api) -> None:
    nothing = find(api, "officer", forenames="Grace", **PURPOSE)
    assert nothing.status_code == 422 and nothing.json()["error"]["field"] == "query"
    assert "surname" in nothing.json()["error"]["message"]
    phone = find(api, "officer", surname="Lee", phone="call me maybe", **PURPOSE)
    assert phone.status_code == 422 and phone.json()["error"]["field"] == "phone"
    assert find(api, "auditor", surname="Lee", **PURPOSE).status_code == 403


def test_an_analyst_searching_by_phone_sees_the_link_not_the_number(
    api: Api, victim: dict[str, Any]
) -> None:
    body = find(api, "analyst", phone=victim["phones"][0], **PURPOSE).json()
    assert "phone in both (withheld)" in " ".join(body["hits"][0]["evidence"])
    assert "+447700" not in json.dumps(body["hits"])
    officer = find(api, "officer", phone=victim["phones"][0], **PURPOSE).json()
    assert "+447700" in " ".join(officer["hits"][0]["evidence"])


def test_the_profile_is_the_person_view_and_redacted_for_analysts(
    api: Api, victim: dict[str, Any]
) -> None:
    entity_id = entity_of(api, victim)
    url = f"/api/people/{entity_id}"
    officer = api.client.get(url, params=PURPOSE, headers=api.auth("officer")).json()
    assert officer["entity_id"] == entity_id and officer["timeline"] and officer["orders"]
    assert officer["assessments"] and officer["alerts"] and officer["history"]
    assert victim["phones"][0] in json.dumps(officer)
    analyst = api.client.get(url, params=PURPOSE, headers=api.auth("analyst"))
    text = analyst.text
    assert analyst.status_code == 200 and len(analyst.json()["mentions"]) == len(
        officer["mentions"]
    )
    for secret in (victim["phones"][0], victim["postcode"], victim["address"].split(",")[0]):
        assert secret not in text
    views = [r for r in read_log(api.engine) if r.action == "person.view"]
    assert [r.detail["redacted"] for r in views] == [True, False]


def test_evidence_says_why_the_records_are_one_person(api: Api, victim: dict[str, Any]) -> None:
    entity_id = entity_of(api, victim)
    url = f"/api/people/{entity_id}/evidence"
    assert api.client.get(url, headers=api.auth("officer")).status_code == 400
    body = api.client.get(url, params=PURPOSE, headers=api.auth("officer")).json()
    members = body["members"]
    assert len(members) > 5 and all(m["linked_to"] for m in members)
    assert all(m["evidence"][0].startswith("match probability") for m in members)
    row = staff_log(api.engine)[0]
    assert row.action == "person.view" and row.detail == {"found": True, "evidence": True}
    missing = api.client.get("/api/people/P-none/evidence", params=PURPOSE,
                             headers=api.auth("officer"))  # fmt: skip
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "entity_id"


def test_a_reviewer_splits_a_wrong_merge(api: Api, victim: dict[str, Any]) -> None:
    entity_id = entity_of(api, victim)
    with api.engine.connect() as conn:
        members = sorted(
            conn.execute(
                select(t.entity_members.c.mention_key).where(
                    t.entity_members.c.entity_id == entity_id
                )
            ).scalars()
        )
    url = f"/api/people/{entity_id}/split"
    body = {"mention_keys": members[:1], "reason": "a different woman of the same name"}
    assert api.client.post(url, json=body, headers=api.auth("officer")).status_code == 403
    response = api.client.post(url, json=body, headers=api.auth("analyst"))
    assert response.status_code == 200, response.text
    new_id = response.json()["new_entity_id"]
    assert new_id != entity_id and response.json()["moved"] == members[:1]
    with api.engine.connect() as conn:
        moved = conn.execute(
            select(t.entity_members.c.entity_id).where(t.entity_members.c.mention_key == members[0])
        ).scalar()
    assert moved == new_id
    [row] = [r for r in read_log(api.engine) if r.action == "review.judge"]
    assert row.records[:2] == [f"person:{entity_id}", f"person:{new_id}"]
    stray = {"mention_keys": ["incident:cad:NOPE#0"], "reason": "not hers"}
    response = api.client.post(url, json=stray, headers=api.auth("analyst"))
    assert response.status_code == 422 and response.json()["error"]["field"] == "mention_keys"
    unknown = api.client.post("/api/people/P-none/split", json=body, headers=api.auth("analyst"))
    assert unknown.status_code == 404
    short = api.client.post(url, json={"mention_keys": [], "reason": "x"},
                            headers=api.auth("analyst"))  # fmt: skip
    assert short.status_code == 422 and short.json()["error"]["field"] == "mention_keys"


def _namesakes(api: Api) -> tuple[str, list[str]]:
    """A name two or more resolved people carry, with their entity ids."""
    e = t.entities
    with api.engine.connect() as conn:
        rows = conn.execute(select(e.c.label, e.c.id).where(e.c.label.is_not(None))).all()
    by_label: dict[str, list[str]] = {}
    for label, entity in rows:
        by_label.setdefault(label, []).append(entity)
    label = min(name for name, ids in by_label.items() if len(ids) >= 2 and " " in name)
    return label, by_label[label]


def test_two_people_of_one_name_are_told_apart_by_born_area_and_last_seen(api: Api) -> None:
    from threadline.resolve.batch import MATCH_THRESHOLD, REVIEW_THRESHOLD

    label, ids = _namesakes(api)
    forenames, surname = label.rsplit(" ", 1)
    hits = find(api, "officer", forenames=forenames, surname=surname, **PURPOSE).json()["hits"]
    same_name = [h for h in hits if h["label"] == label]
    assert {h["entity_id"] for h in same_name} >= set(ids[:2])
    m = t.mentions
    em = t.entity_members
    for hit in same_name:
        with api.engine.connect() as conn:
            rows = conn.execute(
                select(m.c.dob, m.c.event_time)
                .join(em, em.c.mention_key == m.c.mention_key)
                .where(em.c.entity_id == hit["entity_id"])
            ).all()
        assert hit["last_seen"] == max(r.event_time for r in rows).date().isoformat()
        assert hit["dob"] in {r.dob for r in rows} | (
            {None} if not any(r.dob for r in rows) else set()
        )
        words = {True: "very likely the same person", False: None}[
            hit["probability"] >= MATCH_THRESHOLD
        ]
        if words is None:
            words = (
                "possibly the same person"
                if hit["probability"] >= REVIEW_THRESHOLD
                else "unlikely to be the same person"
            )
        assert hit["confidence"] == words
        assert hit["deciding"] == hit["evidence"][1]
    told_apart = {(h["dob"], h["area"], h["last_seen"]) for h in same_name}
    assert len(told_apart) == len(same_name), "namesakes shown with nothing to tell them apart"


def test_a_search_hits_area_is_withheld_where_a_protected_person_lives(
    api: Api, victim: dict[str, Any]
) -> None:
    query = {"forenames": victim["forenames"], "surname": victim["surname"], "dob": victim["dob"]}
    officer = find(api, "officer", **query, **PURPOSE).json()["hits"][0]
    analyst = find(api, "analyst", **query, **PURPOSE).json()["hits"][0]
    assert officer["area"] and officer["withheld"] == []
    assert officer["area"] == victim["postcode"].split()[0]
    assert analyst["area"] is None and analyst["withheld"] == ["area"]
    assert "area_role" not in officer and "area_role" not in analyst
    assert officer["dob"] == analyst["dob"] == victim["dob"]
