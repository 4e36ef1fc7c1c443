"""The supervisor's dashboard and the review queue's buttons.

Open alerts grouped by rule, recent incidents with a linked history and no research check, owed
risk assessments, the head of the review queue and repeat victims
(:func:`threadline.usecases.supervision.dashboard_lists`); a judgement is recorded by
:func:`threadline.usecases.review.judge`, as the API's ``POST /api/review/judgements``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from threadline.api.deps import Audited, ClockDep, EngineDep, require
from threadline.api.errors import ApiError
from threadline.guard.users import User
from threadline.recognise.rules import RULES, RULES_BY_ID
from threadline.usecases import review, supervision
from threadline.web.pages.deps import FormItems
from threadline.web.pages.purpose import PurposeQuery, purpose_prompt, stated_purpose
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Supervisor = Annotated[User, require("dashboard.view")]
Reviewer = Annotated[User, require("review.judge")]

#: Rules shown in sections of their own rather than among the other alerts.
OWN_SECTIONS = ("repeat_victim",)
SHOWN_PER_RULE = 25


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
    lists = supervision.dashboard_lists(engine, audited, stated, clock())
    groups = grouped(lists.alerts)
    sections = {g["rule_id"]: g for g in groups}
    context = {
        "groups": [g for g in groups if g["rule_id"] not in OWN_SECTIONS],
        "unviewed": lists.unchecked,
        "window": supervision.UNCHECKED_WINDOW,
        "repeat_victims": sections.get("repeat_victim", {"alerts": []})["alerts"],
        "owed": lists.owed,
        "queue": lists.queue,
        "judgements": review.JUDGEMENTS,
        "shown": SHOWN_PER_RULE,
        "total_alerts": len(lists.alerts),
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
    if not a or not b or judgement not in review.JUDGEMENTS:
        raise ApiError(
            422,
            f"give two records and a judgement ({', '.join(review.JUDGEMENTS)})",
            field="judgement",
        )
    review.judge(engine, audited, a, b, judgement, clock(), form.get("note") or None)
    return RedirectResponse(back, status_code=303)
