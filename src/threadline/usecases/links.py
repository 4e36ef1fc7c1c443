"""How two people (or a person and a phone, an account, a vehicle, a place) are connected: the
shortest paths, each hop with its evidence, disclosed for the role and audited with the
purpose, written once for the connect page (and, like ``threadline connect``, on
:func:`threadline.links.connect`); and a person's network to a depth, for the link chart."""

from __future__ import annotations

from sqlalchemy import Engine

from threadline.guard.disclosure import disclose_network
from threadline.links import Network, NodeNotFound, chart, connect, disclose_paths, node_kind
from threadline.links.paths import Paths
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound, Unprocessable

#: The longest path looked for, in hops: beyond four a link between two people says little.
MAX_HOPS = 6


def connect_people(
    engine: Engine,
    auditor: Auditor,
    a: str,
    b: str,
    purpose: str,
    max_hops: int = 4,
    kinds: set[str] | None = None,
) -> Paths:
    """The shortest paths from ``a`` to ``b`` (entity ids, mention keys or objects such as
    ``phone:07700 900123``), each hop with its evidence, contact details withheld from a role
    that may not see them (:func:`threadline.links.disclose_paths`). Audited as
    ``network.view`` with the people on the paths and the purpose, found or not."""
    if not 1 <= max_hops <= MAX_HOPS:
        raise Unprocessable(f"hops must be between 1 and {MAX_HOPS}", field="hops")
    try:
        paths = connect(engine, a, b, max_hops=max_hops, kinds=kinds)
    except NodeNotFound as error:
        auditor("network.view", [], purpose, detail={"connect": [a, b], "found": False})
        raise NotFound(str(error)) from None
    except ValueError as error:
        raise Unprocessable(str(error), field="a") from None
    people = sorted(
        {f"person:{n.id}" for p in paths for n in p.nodes if node_kind(n.id) == "person"}
    )
    auditor(
        "network.view",
        people,
        purpose,
        detail={"connect": [a, b], "paths": len(paths), "max_hops": max_hops},
    )
    return disclose_paths(paths, auditor.user.role)


def person_network(
    engine: Engine,
    auditor: Auditor,
    entity_id: str,
    purpose: str,
    depth: int = 2,
    max_nodes: int = 150,
) -> Network:
    """Everything within ``depth`` hops of person ``entity_id`` (:func:`threadline.links.chart`,
    at most ``max_nodes`` nodes; an unknown id is :class:`NotFound`), contact details withheld
    from a role that may not see them (:func:`threadline.guard.disclosure.disclose_network`).
    Audited as ``network.view`` with every person drawn, the depth and the size, or with
    ``found: false`` for a person who is not there."""
    try:
        net = chart(engine, entity_id, depth, max_nodes=max_nodes)
    except (LookupError, ValueError) as error:
        auditor("network.view", [f"person:{entity_id}"], purpose, detail={"found": False})
        raise NotFound(str(error), field="entity_id") from None
    others = [n.id for n in net.nodes if n.kind == "person" and n.id != entity_id]
    auditor(
        "network.view",
        [f"person:{entity_id}", *(f"person:{other}" for other in others)],
        purpose,
        detail={"depth": depth, "nodes": len(net.nodes), "edges": len(net.edges)},
    )
    return disclose_network(net, auditor.user.role)
