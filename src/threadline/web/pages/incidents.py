"""The call handler's pages: the incident form, the picture it produces, the research check.

``GET /incidents/new`` shows the form; ``POST /incidents`` validates it against the Incident
schema and submits it (:mod:`threadline.api.turns`, with its audit row), then shows the picture
(``GET /incidents/{ref}``, :func:`threadline.usecases.incidents.view_picture`, as the API's
``/api/incidents/{ref}/picture``). The picture asks for a purpose like a
person's page; after a submission the purpose is the recording of that incident. ``POST
/incidents/{ref}/research`` records that the linked history was looked at
(:func:`threadline.usecases.incidents.record_research_check`). Permissions and audit actions
are the JSON API's: ``incident.submit`` to submit, ``incident.view`` to view and to record the
check.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from threadline.api.deps import (
    Audited,
    ClockDep,
    EngineDep,
    require,
    submission_turns,
)
from threadline.api.segments import RefPath
from threadline.crossref.pipeline import Pending, Submission
from threadline.guard.users import User
from threadline.model import (
    FORCE_TIMEZONE,
    Category,
    Channel,
    Qualifier,
    RecordError,
    Relationship,
    Role,
    parse_record,
)
from threadline.recognise.rules import RULES_BY_ID
from threadline.usecases.incidents import record_research_check, view_picture
from threadline.web.incident_form import IncidentForm, input_name, new_form, read_form, to_record
from threadline.web.pages.deps import FormItems
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.paths import incident_path
from threadline.web.rendering import render
from threadline.web.timeline import TimelineChart, timeline_chart

router = APIRouter(include_in_schema=False)

Submitter = Annotated[User, require("incident.submit")]
Viewer = Annotated[User, require("incident.view")]
Ref = RefPath


def new_ref(now: datetime) -> str:
    """A reference for an incident entered here: ``WEB-20260301-101502-3F9A``."""
    local = now.astimezone(FORCE_TIMEZONE)
    return f"WEB-{local:%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"


def _choices() -> dict[str, Any]:
    return {
        "channels": [c.value for c in Channel],
        "categories": [c.value for c in Category],
        "qualifier_choices": [q.value for q in Qualifier],
        "roles": [r.value for r in Role],
        "relationships": [r.value for r in Relationship],
    }


def _form_page(
    request: Request,
    user: User,
    form: IncidentForm,
    problems: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {"form": form, "problems": problems or {}, **_choices()}
    return render(request, "incident_form.html", user, context, status_code)


@router.get("/incidents/new", response_class=HTMLResponse)
def incident_form(request: Request, user: Submitter, clock: ClockDep) -> HTMLResponse:
    """A blank incident form, reported now."""
    now = clock()
    return _form_page(request, user, new_form(new_ref(now), now))


@router.post("/incidents", response_class=HTMLResponse)
async def incident_submit(
    request: Request,
    user: Submitter,
    items: FormItems,
    clock: ClockDep,
    audited: Audited,
) -> Response:
    """Check the form against the Incident schema, cross-reference it, show the picture. The
    submission and its audit row go in this worker's next write turn, in one transaction
    (:mod:`threadline.api.turns`)."""
    form = read_form(items)
    if not form.values["ref"]:
        form.values["ref"] = new_ref(clock())
    try:
        record = parse_record(to_record(form))
    except RecordError as error:
        problems: dict[str, list[str]] = {}
        for problem in error.problems:
            problems.setdefault(input_name(problem.field), []).append(str(problem))
        return _form_page(request, user, form, problems, status_code=422)

    def audit(conn: Connection, submission: Submission) -> None:
        audited.within(
            conn,
            "incident.submit",
            [f"incident:{record.ref}"],
            detail={
                "outcome": submission.outcome,
                "people": sorted({d.entity_id for d in submission.decisions if d.entity_id}),
                "alerts": [f"{c.change}:{c.alert.rule_id}" for c in submission.changes],
            },
        )

    def respond(_: Submission) -> Response:
        purpose = f"recording incident {record.ref}"
        return RedirectResponse(incident_path(record.ref, purpose=purpose), status_code=303)

    return await submission_turns(request).run(Pending(record, clock(), audit), respond)


def alert_title(rule_id: str) -> str:
    rule = RULES_BY_ID.get(rule_id)
    return rule.title if rule else rule_id.replace("_", " ")


SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def alerts_by_place(
    alerts: list[dict[str, Any]], ref: str
) -> tuple[list[dict[str, Any]], list[tuple[str, list[dict[str, Any]]]]]:
    """The alerts this incident raised or updated, those owing a decision first, then most
    severe first; then the other open alerts about its people, grouped by title."""
    rank = {rule_id: i for i, rule_id in enumerate(RULES_BY_ID)}

    def order(alert: dict[str, Any]) -> tuple[int, int, int]:
        owed = bool((alert.get("actions") or {}).get("decision_owed"))
        breach = alert["rule_id"] == "order_breach"  # positive action: it owes a decision
        return (
            0 if owed or breach else 1,  # what owes a decision leads: it is the action
            SEVERITY_ORDER.get(alert["severity"], 3),
            rank.get(alert["rule_id"], 99),
        )

    here = sorted((a for a in alerts if a["incident_ref"] == ref), key=order)
    groups: dict[str, list[dict[str, Any]]] = {}
    for alert in sorted((a for a in alerts if a["incident_ref"] != ref), key=order):
        groups.setdefault(alert["title"], []).append(alert)
    return here, list(groups.items())


def picture_timeline(picture: dict[str, Any]) -> TimelineChart:
    """The picture's timeline: this incident with every linked incident and crime, the orders of
    its people as bands, the open alerts where they fired."""
    incident = picture["incident"]
    this = {
        "when": incident["reported_at"],
        "kind": "incident",
        "ref": incident["ref"],
        "title": str(incident.get("category") or "").replace("_", " "),
        "record_key": incident["record_key"],
    }
    orders = [o for person in picture["people"] for o in person["orders"]]
    onward = f"research for incident {incident['ref']}"
    return timeline_chart(
        [*picture["timeline"], this],
        orders,
        picture["alerts"],
        lambda ref: incident_path(ref, purpose=onward),
    )


@router.get("/incidents/{ref}", response_class=HTMLResponse)
def incident_picture(
    request: Request,
    user: Viewer,
    engine: EngineDep,
    audited: Audited,
    ref: Ref,
    purpose: PurposeQuery = None,
) -> HTMLResponse:
    """The purpose prompt, then everything linked to incident ``ref``: its people, their
    history, orders and alerts, and the research check."""
    what = f"the picture of incident {ref}"
    stated = purpose_for(request, user, purpose, what, incident_path(ref))
    view = view_picture(engine, audited, ref, stated)
    data = view.picture
    for alert in data["alerts"]:
        alert["title"] = alert_title(alert["rule_id"])
    here, elsewhere = alerts_by_place(data["alerts"], ref)
    chart, legend = picture_timeline(data)
    context = {
        "timeline": chart,
        "legend": legend,
        "picture": data,
        "alerts_here": here,
        "alerts_elsewhere": elsewhere,
        "ref": ref,
        "checked": view.checked,
        "has_history": view.has_history,
        "just_checked": request.query_params.get("checked") == "1",
        "onward": urlencode({"purpose": f"research for incident {ref}"}),
        "purpose": stated,
    }
    return render(request, "picture.html", user, context)


@router.post("/incidents/{ref}/research")
def research_check(
    user: Viewer,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    ref: Ref,
    items: FormItems,
) -> RedirectResponse:
    """Record that the linked history of ``ref`` was viewed (the research check)."""
    record_research_check(engine, audited, ref, clock())
    back = {"checked": "1", "purpose": dict(items).get("purpose") or ""}
    return RedirectResponse(incident_path(ref, **back), status_code=303)
