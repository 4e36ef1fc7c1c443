"""A person's communications evidence page: contacts per day with the orders' bands, and the
messages with filters (channel, sender, days) and pages; what the messages say only for roles
that may read it, who sent them only for roles that see contact details
(:mod:`threadline.usecases.communications`, the same as ``/api/people/{id}/communications``).

Nothing is shown until the user has said why they look; the look is audited with it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from threadline.api.deps import Audited, EngineDep, require
from threadline.guard.users import User
from threadline.usecases import communications
from threadline.usecases.communications import MessageFilters
from threadline.web.charts import DayBand, contacts_svg
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.paths import person_path
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[User, require("communications.view")]
PAGE = 100


def order_bands(orders: list[dict[str, Any]]) -> list[DayBand]:
    """The chart's band of each order that binds (from ``binds_from``: served, or made on
    notice); an order that does not yet bind has none."""
    bands = []
    for o in orders:
        if o["binds_from"] is None:
            continue
        ends = date.fromisoformat(o["ends"]) if o["ends"] else None
        until = f" to {o['ends']}" if o["ends"] else ""
        how = {"served": "served", "on_notice": "made on notice"}.get(o["binding"], o["binding"])
        title = f"{o['ref']} {o['label']}: binds from {o['binds_from']} ({how}){until}"
        bands.append(DayBand(o["ref"], date.fromisoformat(o["binds_from"]), ends, title))
    return bands


def contacts_chart(answer: dict[str, Any]) -> Any:
    """The per-day chart of a use-case answer (``per_day`` summed over channels)."""
    totals: dict[str, int] = {}
    for row in answer["per_day"]:
        totals[row["day"]] = totals.get(row["day"], 0) + row["count"]
    days = [(date.fromisoformat(day), n) for day, n in sorted(totals.items())]
    return contacts_svg(days, order_bands(answer["orders"]))


@router.get("/people/{entity_id}/communications", response_class=HTMLResponse)
def communications_page(
    request: Request,
    user: Viewer,
    engine: EngineDep,
    audited: Audited,
    entity_id: Annotated[str, Path(max_length=40)],
    purpose: PurposeQuery = None,
    channel: Annotated[str | None, Query(max_length=16)] = None,
    sender: Annotated[str | None, Query(max_length=200)] = None,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    """The purpose prompt, then the person's messages."""
    action = person_path(entity_id) + "/communications"
    what = f"the messages of person {entity_id}"
    asked = {"channel": channel, "sender": sender, "from": first, "to": last}
    extra = {k: str(v) for k, v in asked.items() if v}
    stated = purpose_for(request, user, purpose, what, action, extra=extra)
    filters = MessageFilters(
        channel=channel or None,
        sender=sender if sender else None,
        first=first,
        last=last,
        offset=offset,
        limit=PAGE,
    )
    answer = communications.person_communications(engine, audited, entity_id, stated, filters)
    kept = {"purpose": stated, **answer["filters"]}
    pages = {
        "previous": (
            person_path(entity_id) + "/communications?" + _query(kept, max(0, offset - PAGE))
            if offset > 0
            else None
        ),
        "next": (
            person_path(entity_id) + "/communications?" + _query(kept, offset + PAGE)
            if offset + PAGE < answer["total"]
            else None
        ),
    }
    context = {
        "entity_id": entity_id,
        "purpose": stated,
        "answer": answer,
        "chart": contacts_chart(answer),
        "pages": pages,
        "person_href": person_path(entity_id, purpose=stated),
    }
    return render(request, "communications.html", user, context)


def _query(values: dict[str, Any], offset: int) -> str:
    return urlencode({**values, "offset": offset})
