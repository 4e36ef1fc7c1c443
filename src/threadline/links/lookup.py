"""What the command line and the API call: name two things, get how they are connected, in words.

Ends may be written as an entity id (``P0000001``), a mention key (``incident:cad:INC-1#0``, the
person as written in one record; its entity is used when it has one), an object
(``phone:07700 900123``, ``email:...``, ``account:facebook:handle``, ``vehicle:AB12 CDE``: the
value is normalised as at import), a location key (``location:...``) or an event's record key
(``incident:cad:INC-1``). :func:`resolve_node` turns any of these into a graph node id, or raises
:class:`NodeNotFound` saying what was not found.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, select

from threadline.links.graph import (
    DEFAULT_DEGREE_CAP,
    EVENT_KINDS,
    MENTION_PREFIX,
    Node,
    node_kind,
    object_kinds,
)
from threadline.links.paths import Network, Path, Paths, Reach, network, shortest_paths
from threadline.links.paths import suspect_reach as _suspect_reach
from threadline.model.kinds import identifier_kind
from threadline.store import tables as t

EVENT_TABLES = {"incident": t.incidents, "crime": t.crimes, "order": t.orders}


class NodeNotFound(LookupError):
    """The thing named is not in the store (the message says which and why)."""


def resolve_node(conn: Connection, text: str) -> str:
    """The graph node id for an entity id, mention key, object, location or event."""
    name = text.strip()
    if name.startswith(MENTION_PREFIX):
        name = name[len(MENTION_PREFIX) :]
    if "#" in name:
        m, em = t.mentions, t.entity_members
        row = conn.execute(
            select(m.c.mention_key, em.c.entity_id)
            .outerjoin(em, em.c.mention_key == m.c.mention_key)
            .where(m.c.mention_key == name)
        ).first()
        if row is None:
            raise NodeNotFound(f"no person mention {name!r}")
        return row.entity_id or f"{MENTION_PREFIX}{name}"
    try:
        kind = node_kind(name)
    except ValueError as error:
        raise NodeNotFound(str(error)) from None
    if kind == "person":
        found = conn.execute(select(t.entities.c.id).where(t.entities.c.id == name)).scalar()
        if found is None:
            raise NodeNotFound(f"no entity {name!r}")
        return name
    if kind in object_kinds():
        value = identifier_kind(kind).normalise(name.split(":", 1)[1])
        i = t.identifiers
        found = (
            value
            and conn.execute(
                select(i.c.id).where(i.c.kind == kind, i.c.value == value).limit(1)
            ).scalar()
        )
        if not found:
            raise NodeNotFound(f"no {kind} {name.split(':', 1)[1]!r} in any record")
        return f"{kind}:{value}"
    if kind == "location":
        key = name.split(":", 1)[1]
        f, i = t.mention_features, t.incidents
        found = conn.execute(
            select(f.c.mention_key).where(f.c.address_key == key).limit(1)
        ).scalar()
        found = (
            found or conn.execute(select(i.c.id).where(i.c.location_key == key).limit(1)).scalar()
        )
        if not found:
            raise NodeNotFound(f"no location {key!r}")
        return name
    assert kind in EVENT_KINDS
    table = EVENT_TABLES[kind]
    if conn.execute(select(table.c.id).where(table.c.record_key == name)).scalar() is None:
        raise NodeNotFound(f"no {kind} {name!r}")
    return name


def connect(
    engine: Engine,
    a: str,
    b: str,
    max_hops: int = 4,
    kinds: Iterable[str] | None = None,
    *,
    limit: int = 5,
    degree_cap: int | None = DEFAULT_DEGREE_CAP,
) -> Paths:
    """How ``a`` and ``b`` are connected: the shortest paths, each hop with its evidence."""
    with engine.connect() as conn:
        start, end = resolve_node(conn, a), resolve_node(conn, b)
        return shortest_paths(
            conn,
            start,
            end,
            max_hops=max_hops,
            kinds=set(kinds) if kinds is not None else None,
            limit=limit,
            degree_cap=degree_cap,
        )


def _name(node: Node) -> str:
    return node.label if node.label == node.id else f"{node.label} [{node.id}]"


def format_path(path: Path) -> str:
    """A path as text: a heading line, then each hop on its own line with its evidence."""
    if not path.hops:
        return f"{_name(path.nodes[0])} (the same node)"
    lines = [
        f"{_name(path.nodes[0])} to {_name(path.nodes[-1])}: "
        f"{path.length} hop{'s' if path.length != 1 else ''}"
    ]
    for number, hop in enumerate(path.hops, start=1):
        for index, edge in enumerate(hop.edges):
            forward = edge.source == hop.source.id
            arrow = f"-{edge.kind}->" if forward else f"<-{edge.kind}-"
            lead = f"  {number}. " if index == 0 else "     "
            lines.append(f"{lead}{_name(hop.source)} {arrow} {_name(hop.target)}: {edge.evidence}")
    return "\n".join(lines)


def format_paths(paths: Paths) -> str:
    """Every path, blank-line separated, then the busy nodes that were not passed through."""
    parts = [format_path(p) for p in paths] or ["no connection found"]
    if paths.capped:
        busy = "; ".join(f"{_name(n)} ({n.degree or 'many'}+ links)" for n in paths.capped)
        parts.append(f"not searched through (too many links): {busy}")
    return "\n\n".join(parts)


def chart(
    engine: Engine,
    entity: str,
    depth: int = 2,
    kinds: Iterable[str] | None = None,
    max_nodes: int = 300,
) -> Network:
    """The link chart around ``entity`` (any name :func:`resolve_node` accepts)."""
    with engine.connect() as conn:
        root = resolve_node(conn, entity)
        chosen = set(kinds) if kinds is not None else None
        return network(conn, root, depth=depth, kinds=chosen, max_nodes=max_nodes)


def reach(engine: Engine, suspect: str, victim: str | None = None, depth: int = 2) -> list[Reach]:
    """The people around a suspect (and, with a victim, between them)."""
    with engine.connect() as conn:
        start = resolve_node(conn, suspect)
        end = resolve_node(conn, victim) if victim else None
        return _suspect_reach(conn, start, end, depth)


def format_reach(reached: list[Reach]) -> str:
    """One block per person: who, the incidents they are in, and how the suspect reaches them."""
    if not reached:
        return "nobody within reach"
    blocks = []
    for item in reached:
        more = item.incident_count - len(item.incidents)
        incidents = ", ".join(item.incidents) + (f" and {more} more" if more > 0 else "")
        lines = [f"{item.label} [{item.entity_id}]: incidents {incidents or 'none'}"]
        lines.append("  via: " + format_path(item.via).replace("\n", "\n  "))
        if item.to_victim is not None:
            lines.append("  to the victim: " + format_path(item.to_victim).replace("\n", "\n  "))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
