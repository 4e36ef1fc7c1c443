"""Searches over the link graph: how two nodes are connected, a link chart, a suspect's reach.

All three read the graph lazily through :class:`~threadline.links.graph.LinkGraph`, a level at a
time, so a search touches only the neighbourhoods it needs.

* :func:`shortest_paths`: every shortest path (up to ``limit``) between two nodes, by a
  bidirectional breadth-first search that always grows the smaller frontier and stops at
  ``max_hops``. Busy (capped) objects and locations may end a path but are never passed through.
* :func:`network`: the nodes and edges within ``depth`` hops of an entity, for a link chart,
  stopping at ``max_nodes``.
* :func:`suspect_reach`: the people within ``depth`` hops of a suspect (those he may use to reach
  the victim), with the path to each and the incidents they appear in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Connection, select

from threadline.links.graph import (
    DEFAULT_DEGREE_CAP,
    MENTION_PREFIX,
    Edge,
    LinkGraph,
    Node,
    check_kinds,
    node_kind,
    object_kinds,
)
from threadline.store import tables as t

#: Kinds of node that can be too busy to pass through (see :mod:`threadline.links.graph`).


@dataclass(frozen=True)
class Hop:
    """One step of a path: from ``source`` to ``target`` over every edge that joins them."""

    source: Node
    target: Node
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Path:
    """A chain of nodes from one end to the other, each hop with its evidence."""

    nodes: tuple[Node, ...]
    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes)

    def reversed(self) -> Path:
        """The same path walked from the other end."""
        hops = tuple(Hop(h.target, h.source, h.edges) for h in reversed(self.hops))
        return Path(self.nodes[::-1], hops)


class Paths(list[Path]):
    """The paths found, and the busy nodes met on the way that were not passed through."""

    def __init__(self, paths: Iterable[Path] = (), capped: Iterable[Node] = ()) -> None:
        super().__init__(paths)
        self.capped: tuple[Node, ...] = tuple(capped)


def _path(graph: LinkGraph, ids: list[str], kinds: frozenset[str]) -> Path:
    nodes = tuple(graph.nodes[i] for i in ids)
    hops = tuple(
        Hop(nodes[k], nodes[k + 1], tuple(graph.edges_between(ids[k], ids[k + 1], kinds)))
        for k in range(len(ids) - 1)
    )
    return Path(nodes, hops)


def _chains(parents: dict[str, list[str]], node: str) -> Iterator[list[str]]:
    """Every chain from the search's root to ``node`` along recorded parents."""
    before = parents[node]
    if not before:
        yield [node]
        return
    for parent in sorted(before):
        for chain in _chains(parents, parent):
            yield [*chain, node]


@dataclass
class _Side:
    root: str
    dist: dict[str, int] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=dict)
    frontier: list[str] = field(default_factory=list)
    depth: int = 0

    def __post_init__(self) -> None:
        self.dist[self.root] = 0
        self.parents[self.root] = []
        self.frontier = [self.root]

    def grow(self, graph: LinkGraph, kinds: frozenset[str]) -> list[str]:
        """Expand the frontier one level; return the newly reached nodes."""
        graph.expand([n for n in self.frontier if n != self.root])
        self.depth += 1
        new: list[str] = []
        for node in sorted(self.frontier):
            if graph.is_capped(node) and node != self.root:
                continue
            for other in sorted(graph.neighbours(node, kinds)):
                seen = self.dist.get(other)
                if seen is None:
                    self.dist[other] = self.depth
                    self.parents[other] = [node]
                    new.append(other)
                elif seen == self.depth:
                    self.parents[other].append(node)
        self.frontier = new
        return new


def _joined(forward: _Side, backward: _Side, meets: list[str]) -> Iterator[list[str]]:
    """Every path through the meeting nodes: a chain from one end, then one to the other."""
    for meet in meets:
        for head in _chains(forward.parents, meet):
            for tail in _chains(backward.parents, meet):
                yield head + tail[::-1][1:]


def shortest_paths(
    conn: Connection,
    a: str,
    b: str,
    max_hops: int = 4,
    kinds: set[str] | None = None,
    limit: int = 5,
    *,
    degree_cap: int | None = DEFAULT_DEGREE_CAP,
    graph: LinkGraph | None = None,
) -> Paths:
    """All shortest paths from node ``a`` to node ``b`` (at most ``limit``), within ``max_hops``,
    following only edges of ``kinds`` (all when ``None``). Empty when there is none.

    The two ends are always expanded, however busy; any other node linked to more than
    ``degree_cap`` people and incidents is reported in ``Paths.capped`` and not passed through.
    """
    chosen = check_kinds(kinds)
    if max_hops < 1 or limit < 1:
        raise ValueError("max_hops and limit must be at least 1")
    graph = graph or LinkGraph(conn, degree_cap)
    graph.expand([a, b], uncapped=True)
    if a == b:
        return Paths([Path((graph.nodes[a],), ())])
    sides = (_Side(a), _Side(b))
    while sides[0].depth + sides[1].depth < max_hops and sides[0].frontier and sides[1].frontier:
        side, other = sorted(sides, key=lambda s: (len(s.frontier), s is sides[1]))
        new = side.grow(graph, chosen)
        meets = [n for n in new if n in other.dist]
        # only objects and locations can be busy: find out before meeting through one
        cappable = {*object_kinds(), "location"}
        graph.expand(n for n in meets if n not in (a, b) and node_kind(n) in cappable)
        meets = [n for n in meets if n in (a, b) or not graph.is_capped(n)]
        if not meets:
            continue
        length = min(side.dist[n] + other.dist[n] for n in meets)
        meets = sorted(n for n in meets if side.dist[n] + other.dist[n] == length)
        forward, backward = (side, other) if side is sides[0] else (other, side)

        found = [
            _path(graph, ids, chosen) for ids in islice(_joined(forward, backward, meets), limit)
        ]
        return Paths(found, graph.capped)
    return Paths([], graph.capped)


# -- link charts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    """The nodes and edges around one entity, for a link chart. ``truncated``: ``max_nodes`` was
    reached and some neighbours were left out; capped nodes were shown but not expanded."""

    root: str
    nodes: list[Node]
    edges: list[Edge]
    truncated: bool = False

    def to_cytoscape(self) -> dict[str, list[dict[str, Any]]]:
        """Cytoscape.js ``elements``: ``{"nodes": [{"data": ...}], "edges": [{"data": ...}]}``."""
        nodes = []
        for node in self.nodes:
            data: dict[str, Any] = {"id": node.id, "label": node.label, "kind": node.kind}
            if node.capped:
                data["capped"] = True
                data["degree"] = node.degree
            classes = [node.kind]
            if node.capped:
                classes.append("capped")
            if node.id == self.root:
                classes.append("root")
            nodes.append({"data": data, "classes": " ".join(classes)})
        edges = [
            {
                "data": {
                    "id": f"e{index}",
                    "source": edge.source,
                    "target": edge.target,
                    "kind": edge.kind,
                    "label": edge.kind.replace("_", " "),
                    "evidence": edge.evidence,
                    "refs": list(edge.refs),
                },
                "classes": edge.kind,
            }
            for index, edge in enumerate(self.edges)
        ]
        return {"nodes": nodes, "edges": edges}


def _reach(
    graph: LinkGraph, root: str, depth: int, kinds: frozenset[str], max_nodes: int | None = None
) -> tuple[_Side, bool]:
    """Breadth-first from ``root`` up to ``depth`` hops (and ``max_nodes`` nodes)."""
    side = _Side(root)
    graph.expand([root], uncapped=True)
    truncated = False
    for _ in range(depth):
        if not side.frontier:
            break
        new = side.grow(graph, kinds)
        if max_nodes is not None and len(side.dist) > max_nodes:
            keep = set(new[: max(0, max_nodes - (len(side.dist) - len(new)))])
            for node in new:
                if node not in keep:
                    del side.dist[node], side.parents[node]
            side.frontier = [n for n in new if n in keep]
            truncated = True
            break
    return side, truncated


def network(
    conn: Connection,
    entity_id: str,
    depth: int = 2,
    kinds: set[str] | None = None,
    max_nodes: int = 300,
    *,
    degree_cap: int | None = DEFAULT_DEGREE_CAP,
) -> Network:
    """Everything within ``depth`` hops of ``entity_id`` (at most ``max_nodes`` nodes), and every
    edge of ``kinds`` between the nodes shown that the search read."""
    chosen = check_kinds(kinds)
    graph = LinkGraph(conn, degree_cap)
    side, truncated = _reach(graph, entity_id, depth, chosen, max_nodes)
    shown = sorted(side.dist, key=lambda n: (side.dist[n], n))
    included = set(shown)
    edges: dict[tuple[str, str, str, str | None], Edge] = {}
    for node in shown:
        for other, found in graph.neighbours(node, chosen).items():
            if other in included:
                for edge in found:
                    edges[edge.key] = edge
    return Network(
        root=entity_id,
        nodes=[graph.nodes[n] for n in shown],
        edges=sorted(edges.values(), key=lambda e: e.key),
        truncated=truncated,
    )


# -- a suspect's reach ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """A person near the suspect: how (``via``, from the suspect), and the incidents they are in.

    ``to_victim`` is their shortest path on to the victim when a victim was named."""

    entity_id: str
    label: str
    via: Path
    incidents: list[str]
    to_victim: Path | None = None
    incident_count: int = 0


def _first_path(graph: LinkGraph, side: _Side, node: str, kinds: frozenset[str]) -> Path:
    chain = next(_chains(side.parents, node))
    return _path(graph, chain, kinds)


def incidents_of(conn: Connection, people: Iterable[str]) -> dict[str, list[str]]:
    """Person node id → refs of the incidents they appear in, latest first."""
    ids = sorted(set(people))
    entity_ids = [p for p in ids if not p.startswith(MENTION_PREFIX)]
    mention_keys = {p[len(MENTION_PREFIX) :]: p for p in ids if p.startswith(MENTION_PREFIX)}
    m, em = t.mentions, t.entity_members
    found: dict[str, list[tuple[Any, str]]] = {}
    for start in range(0, len(entity_ids), 500):
        rows = conn.execute(
            select(em.c.entity_id, m.c.record_key, m.c.event_time)
            .join(m, m.c.mention_key == em.c.mention_key)
            .where(
                em.c.entity_id.in_(entity_ids[start : start + 500]), m.c.record_kind == "incident"
            )
        )
        for row in rows:
            found.setdefault(row.entity_id, []).append((row.event_time, row.record_key))
    keys = sorted(mention_keys)
    for start in range(0, len(keys), 500):
        rows = conn.execute(
            select(m.c.mention_key, m.c.record_key, m.c.event_time).where(
                m.c.mention_key.in_(keys[start : start + 500]), m.c.record_kind == "incident"
            )
        )
        for row in rows:
            found.setdefault(mention_keys[row.mention_key], []).append(
                (row.event_time, row.record_key)
            )
    result = {}
    for person, items in found.items():
        ordered = sorted(set(items), key=lambda x: (x[0], x[1]), reverse=True)
        result[person] = [key.split(":", 2)[2] for _, key in ordered]
    return result


def suspect_reach(
    conn: Connection,
    suspect_entity: str,
    victim_entity: str | None = None,
    depth: int = 2,
    *,
    kinds: set[str] | None = None,
    degree_cap: int | None = DEFAULT_DEGREE_CAP,
    incidents_shown: int = 25,
) -> list[Reach]:
    """The people within ``depth`` hops of the suspect, nearest first, with the path to each and
    the incidents they appear in (latest first, at most ``incidents_shown``).

    With a ``victim_entity``, only those also within ``depth`` hops of the victim are kept (the
    people through whom the suspect may reach her), each with a path on to her; the victim
    herself is never listed.
    """
    chosen = check_kinds(kinds)
    graph = LinkGraph(conn, degree_cap)
    around_suspect, _ = _reach(graph, suspect_entity, depth, chosen)
    around_victim = _reach(graph, victim_entity, depth, chosen)[0] if victim_entity else None
    people = [
        n
        for n, d in around_suspect.dist.items()
        if d > 0
        and n != victim_entity
        and graph.nodes[n].kind == "person"
        and (around_victim is None or n in around_victim.dist)
    ]
    incidents = incidents_of(conn, people)
    reached = []
    for person in people:
        refs = incidents.get(person, [])
        reached.append(
            Reach(
                entity_id=person,
                label=graph.nodes[person].label,
                via=_first_path(graph, around_suspect, person, chosen),
                incidents=refs[:incidents_shown],
                to_victim=(
                    _first_path(graph, around_victim, person, chosen).reversed()
                    if around_victim is not None
                    else None
                ),
                incident_count=len(refs),
            )
        )
    return sorted(reached, key=lambda r: (r.via.length, r.label, r.entity_id))
