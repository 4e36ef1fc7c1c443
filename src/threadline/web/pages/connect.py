"""How are these two connected: two people (or a person and a phone, account, vehicle or
place), the shortest paths between them, and each hop with its evidence
(:func:`threadline.usecases.links.connect_people`, the question ``threadline connect`` answers).

The purpose is a field of the form; nothing is looked up until it is given, and the look-up is
audited with the people on the paths. Contact details are shown as their kind to a role that may
not see them.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from threadline.api.deps import Audited, EngineDep, require
from threadline.guard.users import User
from threadline.usecases.links import MAX_HOPS, connect_people
from threadline.web.pages.network import node_href
from threadline.web.pages.purpose import PurposeQuery, stated_purpose
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Analyst = Annotated[User, require("network.view")]
End = Annotated[str | None, Query(max_length=300)]


@router.get("/connect", response_class=HTMLResponse)
def connect_page(
    request: Request,
    user: Analyst,
    engine: EngineDep,
    audited: Audited,
    a: End = None,
    b: End = None,
    hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = 4,
    purpose: PurposeQuery = None,
) -> HTMLResponse:
    """The form; with both ends and a purpose, the paths between them."""
    ends = {"a": (a or "").strip(), "b": (b or "").strip()}
    asked = bool(ends["a"] and ends["b"])
    stated, problem = stated_purpose(user, purpose) if asked else (None, None)
    if asked and stated is None:
        problem = problem or "Say why you are looking: it is logged with the look-up."
    paths: list[dict[str, Any]] | None = None
    capped: list[str] = []
    if asked and stated is not None:
        found = connect_people(engine, audited, ends["a"], ends["b"], stated, hops)
        query = urlencode({"purpose": stated})
        paths = [
            {
                "nodes": [(n.label, n.kind, node_href(n, query)) for n in path.nodes],
                "hops": [
                    {
                        "source": hop.source.label,
                        "target": hop.target.label,
                        "evidence": [(edge.kind, edge.evidence) for edge in hop.edges],
                    }
                    for hop in path.hops
                ],
            }
            for path in found
        ]
        capped = [f"{n.label} ({n.degree or 'many'}+ links)" for n in found.capped]
    context = {
        "a": ends["a"],
        "b": ends["b"],
        "hops": hops,
        "max_hops": MAX_HOPS,
        "purpose": purpose or "",
        "problem": problem,
        "paths": paths,
        "capped": capped,
    }
    return render(request, "connect.html", user, context, status_code=400 if problem else 200)
