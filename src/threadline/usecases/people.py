"""People: search, a person's record, why its records are one person, and splitting a wrong
merge. Every read needs a purpose and writes an audit row (``person.search``, ``person.view``);
what the role may see is decided by :mod:`threadline.guard.disclosure`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from threadline.crossref.marac import person_assessments
from threadline.crossref.person import ProfileLoader, membership_evidence
from threadline.crossref.picture import NotFound as NoPerson
from threadline.guard.disclosure import disclose_members, disclose_profile, may_see_contact
from threadline.resolve.linkage import LinkageModel
from threadline.resolve.review import ReviewError, split_entity
from threadline.resolve.search import PersonQuery, SearchError, search_people
from threadline.store import record_key, writing
from threadline.store.lookups import entity_exists
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound, Unprocessable


@dataclass(frozen=True)
class PersonView:
    """A person as the user's role may see them (``profile``: ``PersonProfile.to_dict()``
    disclosed) and, when asked for, why their records are one person (``evidence``)."""

    profile: dict[str, Any]
    evidence: list[dict[str, Any]]


def _no_person(entity_id: str) -> NotFound:
    return NotFound(f"no person {entity_id}", field="entity_id")


def view_person(
    engine: Engine,
    auditor: Auditor,
    entity_id: str,
    purpose: str,
    load: ProfileLoader,
    model: LinkageModel | None = None,
) -> PersonView:
    """One person read with ``load``, disclosed for the user's role, with the membership
    evidence scored by ``model`` if one is given. Audited (``person.view``) with ``purpose``,
    found or not."""
    profile = load(engine, entity_id)
    records = [f"person:{entity_id}"]
    if profile is None:
        auditor("person.view", records, purpose, detail={"found": False})
        raise _no_person(entity_id)
    evidence: list[dict[str, Any]] = []
    if model is not None:
        with engine.connect() as conn:
            evidence = [e.to_dict() for e in membership_evidence(conn, model, entity_id)]
    shown = {m["record_key"] for m in profile.get("mentions", []) if "record_key" in m}
    records += sorted(shown | set(profile.get("record_keys", [])))
    redacted = not may_see_contact(auditor.user.role)
    auditor("person.view", records, purpose, detail={"found": True, "redacted": redacted})
    role = auditor.user.role
    return PersonView(disclose_profile(profile, role), disclose_members(evidence, role))


def person_evidence(
    engine: Engine, auditor: Auditor, entity_id: str, purpose: str, model: LinkageModel
) -> list[dict[str, Any]]:
    """Why these records are one person: each mention, the member it is linked to, the model's
    probability and the evidence in words for the role. Audited as a person view."""
    records = [f"person:{entity_id}"]
    try:
        with engine.connect() as conn:
            members = membership_evidence(conn, model, entity_id)
    except NoPerson:
        auditor("person.view", records, purpose, detail={"found": False, "evidence": True})
        raise _no_person(entity_id) from None
    auditor("person.view", records, purpose, detail={"found": True, "evidence": True})
    return disclose_members([m.to_dict() for m in members], auditor.user.role)


def search(
    engine: Engine,
    auditor: Auditor,
    model: LinkageModel,
    query: PersonQuery,
    purpose: str,
    limit: int = 20,
) -> dict[str, Any]:
    """The people the details may belong to, most probable first, with the evidence in words
    for the role. The search and what it found are audited (``person.search``)."""
    given = {k: v for k, v in query.__dict__.items() if v}
    try:
        with engine.connect() as conn:
            hits = search_people(conn, model, query, limit)
    except SearchError as error:
        raise Unprocessable(error.message, field=error.field or "query") from None
    auditor(
        "person.search",
        [f"person:{h.entity_id}" for h in hits],
        purpose,
        detail={"query": given, "hits": len(hits)},
    )
    return {
        "query": given,
        "hits": [
            _disclose_hit(hit, auditor.user.role)
            for hit in disclose_members([h.to_dict() for h in hits], auditor.user.role)
        ],
    }


def _disclose_hit(hit: dict[str, Any], role: str) -> dict[str, Any]:
    """A search hit (its evidence already disclosed) with its deciding evidence, without
    ``area_role``, and without its area for a role that may not see where someone in that role
    lives (:func:`~threadline.guard.disclosure.may_see_contact`)."""
    area_role = hit.get("area_role")
    shown = {k: v for k, v in hit.items() if k != "area_role"}
    evidence = shown.get("evidence") or []
    shown["deciding"] = evidence[1] if len(evidence) > 1 else None
    shown["withheld"] = []
    if shown.get("area") and not may_see_contact(role, area_role):
        shown["area"] = None
        shown["withheld"] = ["area"]
    return shown


def split_person(
    engine: Engine,
    auditor: Auditor,
    entity_id: str,
    mention_keys: list[str],
    reason: str,
    now: datetime,
) -> str:
    """Undo a wrong merge: move ``mention_keys`` to a new person, judged different from those
    left; return its id. Audited (``review.judge``) in the same transaction, in the writers'
    turn (:func:`threadline.store.writing`): the split rewrites the kept parties of the moved
    mentions' incidents, which a submission beside it may be rewriting too."""
    with writing(engine) as conn:
        if not entity_exists(conn, entity_id):
            raise _no_person(entity_id)
        try:
            new_id = split_entity(conn, entity_id, mention_keys, auditor.user.username, now, reason)
        except ReviewError as error:
            raise Unprocessable(str(error), field="mention_keys") from None
        auditor.within(
            conn,
            "review.judge",
            [f"person:{entity_id}", f"person:{new_id}", *sorted(mention_keys)],
            detail={"change": "split", "into": new_id, "reason": reason},
        )
    return new_id


def assessments_of(
    engine: Engine, auditor: Auditor, entity_id: str, purpose: str
) -> dict[str, Any]:
    """A person's DASH and S-DASH assessments, graded, and the trend; officers' free text only
    for roles that see contact details. Audited (``person.view``), found or not."""
    with engine.connect() as conn:
        found = entity_exists(conn, entity_id)
    if not found:
        auditor("person.view", [f"person:{entity_id}"], purpose, detail={"found": False})
        raise _no_person(entity_id)
    history = person_assessments(engine, entity_id)
    auditor(
        "person.view",
        [f"person:{entity_id}", *(record_key(a.record) for a in history.assessments)],
        purpose,
        detail={"found": True, "assessments": len(history.assessments)},
    )
    return history.to_dict(free_text=may_see_contact(auditor.user.role))
