"""A person's page: profile, roles, timeline chart, orders, risk assessments and why their
records are one person, with controls to confirm or split (for roles the policy allows).

Nothing about a person is shown until the user has stated why they are looking
(:mod:`threadline.web.pages.purpose`); the purpose is written to the audit log with the look-up.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from threadline.api.deps import Audited, ClockDep, EngineDep, require
from threadline.api.errors import ApiError
from threadline.crossref.person import (
    membership_evidence,
    person_profile,
    redact_evidence,
    redact_profile,
)
from threadline.crossref.picture import NotFound, written_name
from threadline.guard.users import User
from threadline.model import FORCE_TIMEZONE
from threadline.model.refs import REF_MAX_LENGTH
from threadline.resolve.review import ReviewError, split_entity
from threadline.web.charts import Mark, timeline_legend, timeline_svg
from threadline.web.pages.deps import FormItems
from threadline.web.pages.incidents import alert_title
from threadline.web.pages.purpose import PurposeQuery, purpose_prompt, stated_purpose
from threadline.web.paths import incident_path, person_path
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[User, require("person.view")]
Reviewer = Annotated[User, require("review.judge")]
EntityId = Annotated[str, Path(max_length=40)]
FromQuery = Annotated[str | None, Query(alias="from", max_length=REF_MAX_LENGTH)]


def href_of(record_key: str, ref: str) -> str | None:
    return incident_path(ref) if record_key.startswith("incident:") else None


def roles_of(mentions: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """How often the person appears in each role, most often first."""
    counts = Counter(
        str(
            "protected" if str(m.get("position", "")).startswith("protected") else m.get("position")
        )
        if m.get("record_kind") == "order"
        else m["role"]
        for m in mentions
    )
    return counts.most_common()


def names_of(mentions: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(
        written_name(m.get("forenames"), m.get("surname"), m.get("description")) for m in mentions
    )
    return counts.most_common()


def evidence_rows(
    conn: Connection, request: Request, entity_id: str, user: User
) -> list[dict[str, Any]]:
    """Why each record is this person, scored now with the app's model (stored lines if none)."""
    model = getattr(request.app.state, "linkage_model", None)
    if model is None:
        return []
    evidence = [e.to_dict() for e in membership_evidence(conn, model, entity_id)]
    return redact_evidence(evidence, user.role)


@router.get("/people/{entity_id}", response_class=HTMLResponse)
def person_page(
    request: Request,
    user: Viewer,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    entity_id: EntityId,
    purpose: PurposeQuery = None,
    came_from: FromQuery = None,
) -> HTMLResponse:
    """The purpose prompt, then the person."""
    stated, problem = stated_purpose(user, purpose)
    if stated is None:
        suggestion = f"Dealing with incident {came_from}" if came_from else ""
        return purpose_prompt(
            request, user, f"person {entity_id}", person_path(entity_id), suggestion, problem
        )
    today = clock().astimezone(FORCE_TIMEZONE).date()
    with engine.connect() as conn:
        try:
            profile = person_profile(conn, entity_id, today)
        except NotFound:
            audited("person.view", [f"person:{entity_id}"], stated, detail={"found": False})
            raise ApiError(404, f"no person {entity_id}", field="entity_id") from None
        evidence = evidence_rows(conn, request, entity_id, user)
    audited(
        "person.view",
        [f"person:{entity_id}", *profile.record_keys],
        stated,
        detail={"found": True, "page": "person"},
    )
    marks = [
        Mark(e.when, e.kind, e.ref, e.title, href_of(e.record_key, e.ref)) for e in profile.timeline
    ]
    data = redact_profile(profile.to_dict(), user.role)
    for alert in data["alerts"]:
        alert["title"] = alert_title(alert["rule_id"])
    by_key = {m["mention_key"]: m for m in data["mentions"]}
    for row in evidence:
        row["mention"] = by_key.get(row["mention_key"], {})
        row["partner"] = by_key.get(row["linked_to"] or "", {})
    context = {
        "person": data,
        "purpose": stated,
        "query": urlencode({"purpose": stated}),
        "roles": roles_of(data["mentions"]),
        "names": names_of(data["mentions"]),
        "timeline": timeline_svg(marks),
        "legend": timeline_legend(marks),
        "evidence": evidence,
        "incidents": sum(1 for e in profile.timeline if e.kind == "incident"),
        "notice": request.query_params.get("notice"),
    }
    return render(request, "person.html", user, context)


@router.post("/people/{entity_id}/split")
def split_person(
    user: Reviewer,
    items: FormItems,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    entity_id: EntityId,
) -> Response:
    """Move the ticked records of ``entity_id`` to a new person, with the reviewer's reason."""
    mentions = [value for name, value in items if name == "mention" and value]
    form = dict(items)
    reason = (form.get("reason") or "").strip()
    if not reason:
        raise ApiError(422, "say why these records are not the same person", field="reason")
    with engine.begin() as conn:
        try:
            new_id = split_entity(conn, entity_id, mentions, user.username, clock(), reason)
        except ReviewError as error:
            raise ApiError(422, str(error), field="mention") from None
        audited.within(
            conn,
            "review.judge",
            [f"person:{entity_id}", f"person:{new_id}", *(f"mention:{m}" for m in mentions)],
            detail={"split": entity_id, "into": new_id, "reason": reason},
        )
    back = {"notice": f"split:{new_id}"}
    if form.get("purpose"):
        back["purpose"] = form["purpose"]
    return RedirectResponse(person_path(entity_id, **back), status_code=303)
