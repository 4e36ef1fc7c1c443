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

from threadline.api.deps import Audited, ClockDep, EngineDep, require
from threadline.api.errors import ApiError
from threadline.crossref.picture import written_name
from threadline.guard.policy import allowed
from threadline.guard.users import User
from threadline.model.refs import REF_MAX_LENGTH
from threadline.usecases import communications, people
from threadline.web.pages.communications import contacts_chart
from threadline.web.pages.deps import FormItems
from threadline.web.pages.incidents import SEVERITY_ORDER, alert_title
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.paths import person_path
from threadline.web.rendering import render
from threadline.web.timeline import timeline_chart

router = APIRouter(include_in_schema=False)

Viewer = Annotated[User, require("person.view")]
Reviewer = Annotated[User, require("review.judge")]
EntityId = Annotated[str, Path(max_length=40)]
FromQuery = Annotated[str | None, Query(alias="from", max_length=REF_MAX_LENGTH)]


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


@router.get("/people/{entity_id}", response_class=HTMLResponse)
def person_page(
    request: Request,
    user: Viewer,
    engine: EngineDep,
    audited: Audited,
    entity_id: EntityId,
    purpose: PurposeQuery = None,
    came_from: FromQuery = None,
) -> HTMLResponse:
    """The purpose prompt, then the person."""
    suggestion = f"Dealing with incident {came_from}" if came_from else ""
    here = person_path(entity_id)
    stated = purpose_for(request, user, purpose, f"person {entity_id}", here, suggestion)
    loader: people.ProfileLoader = request.app.state.profile_loader
    model = getattr(request.app.state, "linkage_model", None)
    view = people.view_person(engine, audited, entity_id, stated, loader, model)
    data, evidence = view.profile, view.evidence
    chart, legend = timeline_chart(data["timeline"], data["orders"], data["alerts"])
    for alert in data["alerts"]:
        alert["title"] = alert_title(alert["rule_id"])
    # most severe first, then the newest: what to act on leads
    data["alerts"].sort(key=lambda a: str(a.get("raised_at") or ""), reverse=True)
    data["alerts"].sort(key=lambda a: SEVERITY_ORDER.get(a["severity"], 3))
    by_key = {m["mention_key"]: m for m in data["mentions"]}
    for row in evidence:
        row["mention"] = by_key.get(row["mention_key"], {})
        row["partner"] = by_key.get(row["linked_to"] or "", {})
    contacts = None
    if allowed(user.role, "communications.view"):
        days = communications.person_contact_days(engine, audited, entity_id, stated)
        if days["per_day"]:
            contacts = {"total": days["contacts"], "chart": contacts_chart(days)}
    context = {
        "contacts": contacts,
        "person": data,
        "purpose": stated,
        "query": urlencode({"purpose": stated}),
        "roles": roles_of(data["mentions"]),
        "names": names_of(data["mentions"]),
        "timeline": chart,
        "legend": legend,
        "evidence": evidence,
        "incidents": sum(1 for e in data["timeline"] if e["kind"] == "incident"),
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
    new_id = people.split_person(engine, audited, entity_id, mentions, reason, clock())
    back = {"notice": f"split:{new_id}"}
    if form.get("purpose"):
        back["purpose"] = form["purpose"]
    return RedirectResponse(person_path(entity_id, **back), status_code=303)
