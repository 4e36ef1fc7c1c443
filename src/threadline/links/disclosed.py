"""The link searches' answers as a role may see them.

:func:`threadline.links.connect` and :func:`threadline.links.reach` answer with paths whose nodes
may be a victim's phone or home. Whether a role sees such a node's value is the one disclosure
decision, :class:`threadline.guard.disclosure.GraphDisclosure` (as for the link chart,
:func:`threadline.guard.disclosure.disclose_network`); this module only walks the answers with it.
"""

from __future__ import annotations

import dataclasses

from threadline.guard.disclosure import GraphDisclosure
from threadline.guard.policy import UserRole
from threadline.links.paths import Hop, Path, Paths, Reach

__all__ = ["disclose_paths", "disclose_reach"]


def _path(graph: GraphDisclosure, path: Path) -> Path:
    hops = tuple(
        Hop(graph.node(h.source), graph.node(h.target), tuple(graph.edge(e) for e in h.edges))
        for h in path.hops
    )
    return dataclasses.replace(path, nodes=tuple(graph.node(n) for n in path.nodes), hops=hops)


def disclose_paths(paths: Paths, role: str | UserRole) -> Paths:
    """The paths of :func:`threadline.links.connect` as ``role`` may see them
    (:class:`~threadline.guard.disclosure.GraphDisclosure`)."""
    graph = GraphDisclosure(role)
    if not graph.withholds:
        return paths
    return Paths([_path(graph, p) for p in paths], [graph.node(n) for n in paths.capped])


def disclose_reach(reached: list[Reach], role: str | UserRole) -> list[Reach]:
    """The people of :func:`threadline.links.reach` as ``role`` may see them: their names and
    incidents, the paths to them with withheld objects shown as their kind."""
    graph = GraphDisclosure(role)
    if not graph.withholds:
        return reached
    return [
        dataclasses.replace(
            item,
            via=_path(graph, item.via),
            to_victim=_path(graph, item.to_victim) if item.to_victim is not None else None,
        )
        for item in reached
    ]
