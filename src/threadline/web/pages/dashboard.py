"""The supervisor's dashboard and the review queue's buttons.

Open alerts counted per rule and severity over all of them and listed a page at a time, the
most severe first (:func:`threadline.usecases.supervision.alert_board`, as ``/api/dashboard``),
recent incidents with a linked history and no research check, owed risk assessments, the head
of the review queue and repeat victims
(:func:`threadline.usecases.supervision.dashboard_lists`); a judgement is recorded by
:func:`threadline.usecases.review.judge`, as the API's ``POST /api/review/judgements``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from threadline.api.deps import Audited, BoardDep, ClockDep, EngineDep, require
from threadline.api.errors import ApiError
from threadline.guard.users import User
from threadline.recognise.rules import RULES, RULES_BY_ID
from threadline.store.alert_board import SEVERITIES
from threadline.usecases import review, supervision
from threadline.web.pages.deps import FormItems
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Supervisor = Annotated[User, require("dashboard.view")]
Reviewer = Annotated[User, require("review.judge")]

SHOWN = 25


def count_table(board: supervision.AlertBoard) -> list[dict[str, Any]]:
    """The board's counts as rows of a table: each rule (in the declared order of the rules)
    with its count at each severity and in all."""
    by_rule: dict[str, dict[str, int]] = defaultdict(dict)
    for c in board.counts:
        by_rule[c.rule_id][c.severity or "other"] = c.count
    order = [rule.id for rule in RULES] + sorted(set(by_rule) - set(RULES_BY_ID))
    return [
        {
            "rule_id": rule_id,
            "title": title(rule_id),
            "severities": by_rule[rule_id],
            "total": sum(by_rule[rule_id].values()),
        }
        for rule_id in order
        if by_rule.get(rule_id)
    ]


def title(rule_id: str) -> str:
    return RULES_BY_ID[rule_id].title if rule_id in RULES_BY_ID else rule_id


def titled(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**a, "title": title(a["rule_id"])} for a in alerts]


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: Supervisor,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    board: BoardDep,
    purpose: PurposeQuery = None,
    owed_page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    owed_officer: Annotated[str | None, Query(max_length=80)] = None,
) -> HTMLResponse:
    """The purpose prompt (the dashboard names victims and their histories), then what needs a
    supervisor's attention now; the look is audited with the people it shows."""
    stated = purpose_for(
        request, user, purpose, "the dashboard", "/dashboard", "start of shift review"
    )
    owed = supervision.OwedQuery(owed_page, SHOWN, owed_officer)
    lists = supervision.dashboard_lists(engine, audited, stated, clock(), board, owed)
    f = board.filter
    filters = {
        k: str(v)
        for k, v in {
            "rule": f.rule,
            "severity": f.severity,
            "since": f.since,
            "until": f.until,
            "assigned_to": f.assigned_to,
        }.items()
        if v is not None
    }
    context = {
        "board": lists.board,
        "counts": count_table(lists.board),
        "severities": SEVERITIES,
        "alerts": titled(lists.board.alerts),
        "filters": filters,
        "rules": [(rule.id, rule.title) for rule in RULES],
        "unviewed": lists.unchecked,
        "window": supervision.UNCHECKED_WINDOW,
        "repeat_victims": titled(lists.repeat_victims),
        "owed": lists.owed,
        "queue": lists.queue,
        "judgements": review.JUDGEMENTS,
        "shown": SHOWN,
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
    asked = review.PairJudgement(a, b, judgement, form.get("note") or None)
    review.judge(engine, audited, asked, clock())
    return RedirectResponse(back, status_code=303)
