"""The supervisor's dashboard and the review queue's buttons.

Open alerts grouped by rule (:func:`threadline.crossref.list_alerts`), recent incidents with a
linked history and no research check (:func:`.crossref.supervision.unresearched_incidents`),
owed risk assessments (:func:`threadline.crossref.risk.owed`), the review queue
(:func:`threadline.resolve.review.open_queue`, judged with
:func:`~threadline.resolve.review.record_judgement`) and repeat victims.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection, select

from threadline.api.deps import Audited, ClockDep, EngineDep, require
from threadline.api.errors import ApiError
from threadline.crossref import list_alerts
from threadline.crossref.picture import written_name
from threadline.crossref.risk import owed
from threadline.crossref.supervision import at_stake, unresearched_incidents
from threadline.guard.disclosure import alert_records, disclose_alerts, disclose_evidence
from threadline.guard.users import User
from threadline.recognise.rules import RULES, RULES_BY_ID
from threadline.resolve.review import JUDGEMENTS, ReviewError, open_queue, record_judgement
from threadline.store import tables as t
from threadline.web.pages.deps import FormItems
from threadline.web.pages.purpose import PurposeQuery, purpose_prompt, stated_purpose
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Supervisor = Annotated[User, require("dashboard.view")]
Reviewer = Annotated[User, require("review.judge")]

#: Rules shown in sections of their own rather than among the other alerts.
OWN_SECTIONS = ("repeat_victim",)
ALERT_LIMIT = 2000
SHOWN_PER_RULE = 25
#: How many of the latest incidents the research-check section looks at.
UNCHECKED_WINDOW = 500


def mention_descriptions(conn: Connection, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Mention key → the person as written, their role and the record's ref, for the queue."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    m = t.mentions
    rows = conn.execute(
        select(
            m.c.mention_key,
            m.c.record_key,
            m.c.role,
            m.c.forenames,
            m.c.surname,
            m.c.description,
            m.c.dob,
            m.c.event_time,
        ).where(m.c.mention_key.in_(wanted))
    )
    return {
        r.mention_key: {
            "name": written_name(r.forenames, r.surname, r.description),
            "role": r.role,
            "dob": r.dob,
            "ref": r.record_key.rsplit(":", 1)[-1],
            "kind": r.record_key.split(":", 1)[0],
            "when": r.event_time,
        }
        for r in rows
    }


def grouped(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alerts by rule, in the declared order of the rules, each group newest first."""
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for alert in alerts:
        by_rule[alert["rule_id"]].append(alert)
    order = [rule.id for rule in RULES] + sorted(set(by_rule) - set(RULES_BY_ID))
    return [
        {
            "rule_id": rule_id,
            "title": RULES_BY_ID[rule_id].title if rule_id in RULES_BY_ID else rule_id,
            "alerts": [
                {**a, "title": RULES_BY_ID[rule_id].title if rule_id in RULES_BY_ID else rule_id}
                for a in by_rule[rule_id]
            ],
        }
        for rule_id in order
        if by_rule.get(rule_id)
    ]


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: Supervisor,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    purpose: PurposeQuery = None,
) -> HTMLResponse:
    """The purpose prompt (the dashboard names victims and their histories), then what needs a
    supervisor's attention now; the look is audited with the people it shows."""
    stated, problem = stated_purpose(user, purpose)
    if stated is None:
        return purpose_prompt(
            request, user, "the dashboard", "/dashboard", "start of shift review", problem
        )
    now = clock()
    with engine.connect() as conn:
        alerts = list_alerts(conn, status="open", limit=ALERT_LIMIT)
        queue = open_queue(conn, limit=25)
        unchecked = unresearched_incidents(conn, latest=UNCHECKED_WINDOW)
        mentions = mention_descriptions(
            conn, [k for item in queue for k in (item.mention_a, item.mention_b)]
        )
    audited(
        "dashboard.view",
        [*alert_records(alerts), *(f"mention:{k}" for k in sorted(mentions))],
        stated,
        detail={"page": "dashboard", "open_alerts": len(alerts), "queue": len(queue)},
    )
    alerts = disclose_alerts(alerts, user.role)
    groups = grouped(alerts)
    sections = {g["rule_id"]: g for g in groups}
    items = [
        {
            "id": item.id,
            "a": item.mention_a,
            "b": item.mention_b,
            "left": mentions.get(item.mention_a, {}),
            "right": mentions.get(item.mention_b, {}),
            "probability": item.match_probability,
            "at_stake": at_stake(item),
            "evidence": disclose_evidence(item.evidence, user.role),
        }
        for item in queue
    ]
    context = {
        "groups": [g for g in groups if g["rule_id"] not in OWN_SECTIONS],
        "unviewed": unchecked,
        "window": UNCHECKED_WINDOW,
        "repeat_victims": sections.get("repeat_victim", {"alerts": []})["alerts"],
        "owed": owed(engine, now),
        "queue": items,
        "judgements": JUDGEMENTS,
        "shown": SHOWN_PER_RULE,
        "total_alerts": len(alerts),
        "purpose": stated,
    }
    return render(request, "dashboard.html", user, context)


@router.post("/review")
def judge_pair(
    user: Reviewer, items: FormItems, engine: EngineDep, clock: ClockDep, audited: Audited
) -> RedirectResponse:
    """Record a reviewer's judgement on a pair of records (same, different or unsure)."""
    form = dict(items)
    a, b, judgement = form.get("a", ""), form.get("b", ""), form.get("judgement", "")
    back = form.get("back", "/dashboard")
    if not back.startswith("/") or back.startswith("//"):
        back = "/dashboard"
    if not a or not b or judgement not in JUDGEMENTS:
        raise ApiError(
            422, f"give two records and a judgement ({', '.join(JUDGEMENTS)})", field="judgement"
        )
    with engine.begin() as conn:
        try:
            outcome = record_judgement(
                conn, a, b, judgement, user.username, clock(), form.get("note") or None
            )
        except ReviewError as error:
            raise ApiError(422, str(error), field="judgement") from None
        audited.within(
            conn,
            "review.judge",
            [f"mention:{a}", f"mention:{b}", *(f"person:{e}" for e in outcome["entities"])],
            detail={
                "judgement": judgement,
                **{k: v for k, v in outcome.items() if k != "judgement"},
            },
        )
    return RedirectResponse(back, status_code=303)
