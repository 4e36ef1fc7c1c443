"""The link chart: a person's network (:func:`threadline.links.network`) drawn as SVG on the
server, each node a link to its own page. Like the person page, it opens only with a purpose."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from threadline.api.deps import Audited, EngineDep, require
from threadline.guard.users import User
from threadline.links import Node
from threadline.usecases.links import person_network
from threadline.web.linkchart import (
    KIND_GROUP_LABELS,
    KIND_GROUPS,
    edges_in_words,
    group_events,
    layout,
    legend,
    network_svg,
    only_kinds,
)
from threadline.web.pages.people import EntityId
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.paths import incident_path, person_path
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Analyst = Annotated[User, require("network.view")]
DepthQuery = Annotated[int, Query(ge=1, le=3)]
#: The kinds to draw (:data:`KIND_GROUPS`); the form always sends ``people``, so a form with
#: every box cleared draws people alone, while a link with no ``show`` draws everything.
ShowQuery = Annotated[list[Annotated[str, Query(max_length=20)]] | None, Query()]
MAX_NODES = 150


def node_href(node: Node, query: str) -> str | None:
    """A person's own page, an incident's picture; objects and places have none."""
    if node.kind == "person" and not node.id.startswith("mention:"):
        return f"{person_path(node.id)}?{query}"
    if node.kind == "incident":  # the node is the record key, kind:source:ref
        return incident_path(node.id.split(":", 2)[-1])
    return None


@router.get("/people/{entity_id}/network", response_class=HTMLResponse)
def network_page(
    request: Request,
    user: Analyst,
    engine: EngineDep,
    audited: Audited,
    entity_id: EntityId,
    purpose: PurposeQuery = None,
    depth: DepthQuery = 2,
    show: ShowQuery = None,
    each: bool = False,
) -> HTMLResponse:
    """The purpose prompt, then the link chart to ``depth`` hops: the kinds in ``show`` (all
    when none is given), incidents and crimes of the same people grouped into one node with
    their count unless ``each`` asks for every one."""
    what, here = f"the link chart of person {entity_id}", f"{person_path(entity_id)}/network"
    stated = purpose_for(request, user, purpose, what, here, extra={"depth": str(depth)})
    net = person_network(engine, audited, entity_id, stated, depth, MAX_NODES)
    query = urlencode({"purpose": stated})
    shown = [g for g in KIND_GROUPS if show is None or g in show]
    net = only_kinds(net, shown)
    if not each:
        net = group_events(net)
    positions = layout(net)
    node_kinds, edge_kinds = legend(net)
    labels = {n.id: n.label for n in net.nodes}
    root = next(n for n in net.nodes if n.id == entity_id)
    context = {
        "root": root,
        "depth": depth,
        "shown": shown,
        "each": each,
        "kind_groups": KIND_GROUP_LABELS,
        "purpose": stated,
        "query": query,
        "chart": network_svg(net, positions, lambda node: node_href(node, query)),
        "node_kinds": node_kinds,
        "edge_kinds": edge_kinds,
        "network": net,
        "links": edges_in_words(net.edges, labels),
    }
    return render(request, "network.html", user, context)
