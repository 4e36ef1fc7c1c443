"""A person's network drawn as SVG: laid out on the server with networkx, nothing in the browser.

:func:`layout` places the nodes of a :class:`threadline.links.Network` with networkx's spring
layout from a fixed seed, so the same network always gets the same picture (Kamada–Kawai would
need scipy, which Threadline does not depend on). :func:`network_svg` draws it: nodes shaped and
coloured by kind, each a link to its own page; edges styled by kind; every mark with a
``<title>`` carrying the evidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import cache
from importlib.resources import files
from typing import Any

import networkx as nx
from markupsafe import Markup, escape

from threadline.links import Edge, Network, Node
from threadline.model.kinds import IdentifierKind, identifier_kinds
from threadline.web.charts import svg_open

SEED = 7
#: Above this many nodes, incidents and crimes are named only on hover.
EVENT_LABEL_LIMIT = 30

#: Node kind → (fill colour, shape, legend label); edge kind → (colour, dash pattern or "",
#: legend label). The colours, shapes and words are in ``linkchart_styles.json`` beside this
#: module: the kinds that are not identifiers, the identifiers' triangle (purple, a few kinds a
#: colour of their own) and dotted line, and places.
Style = tuple[str, str, str]


@cache
def _styles() -> dict[str, Any]:
    text = files("threadline.web").joinpath("linkchart_styles.json").read_text("utf-8")
    styles: dict[str, Any] = json.loads(text)
    return styles


def _node(style: Mapping[str, str]) -> Style:
    return (style["colour"], style["shape"], style["label"])


def _edge(style: Mapping[str, str]) -> Style:
    return (style["colour"], style["dash"], style["label"])


def _identifier_colours() -> list[tuple[IdentifierKind, str]]:
    """Each identifier kind (:mod:`threadline.model.kinds`) and its colour."""
    identifiers = _styles()["identifiers"]
    colours, colour = identifiers["colours"], identifiers["colour"]
    return [(kind, colours.get(kind.name, colour)) for kind in identifier_kinds()]


def node_styles() -> dict[str, Style]:
    """Node kind → (fill colour, shape, legend label): one triangle per identifier kind
    (labelled with its title), in the legend's order."""
    table = _styles()
    shape = table["identifiers"]["shape"]
    return {
        **{kind: _node(style) for kind, style in table["nodes"].items()},
        **{kind.name: (colour, shape, kind.title) for kind, colour in _identifier_colours()},
        "location": _node(table["location"]),
    }


def edge_styles() -> dict[str, Style]:
    """Edge kind → (colour, dash pattern or "", legend label), a dotted ``has_<kind>`` line per
    identifier kind."""
    table = _styles()
    dash = table["identifiers"]["dash"]
    return {
        **{kind: _edge(style) for kind, style in table["edges"].items()},
        **{k.edge: (colour, dash, f"Has {k.label}") for k, colour in _identifier_colours()},
        **{kind: _edge(style) for kind, style in table["location_edges"].items()},
    }


#: What the kind filter offers, each a set of node kinds (people are always drawn).
KIND_GROUPS: Mapping[str, tuple[str, ...]] = {
    "events": ("incident", "crime", "events"),
    "identifiers": tuple(k.name for k in identifier_kinds()),
    "places": ("location",),
    "orders": ("order",),
}
KIND_GROUP_LABELS: Mapping[str, str] = {
    "events": "Incidents and crimes",
    "identifiers": "Phones, e-mails, accounts, vehicles",
    "places": "Places",
    "orders": "Court orders",
}
EVENT_KINDS = ("incident", "crime")


def only_kinds(network: Network, groups: Sequence[str]) -> Network:
    """``network`` with only people and the node kinds of ``groups`` (:data:`KIND_GROUPS`),
    and the links between what is left."""
    keep = {"person"} | {kind for g in groups for kind in KIND_GROUPS.get(g, ())}
    nodes = [n for n in network.nodes if n.kind in keep or n.id == network.root]
    ids = {n.id for n in nodes}
    edges = [e for e in network.edges if e.source in ids and e.target in ids]
    return replace(network, nodes=nodes, edges=edges)


def group_events(network: Network) -> Network:
    """Incidents and crimes that join the same people drawn as one node with their count
    ("30 incidents, 12 crimes"), linked to each of those people; an incident or crime alone in
    its group stays itself. Its places are linked to the group. The chart keeps its people,
    objects and places; what it loses is sixty squares saying the same thing."""
    events = {n.id: n for n in network.nodes if n.kind in EVENT_KINDS}
    people = {n.id for n in network.nodes if n.kind == "person"}
    parties: dict[str, set[str]] = {e: set() for e in events}
    for edge in network.edges:
        for event, other in ((edge.source, edge.target), (edge.target, edge.source)):
            if event in events and other in people:
                parties[event].add(other)
    groups: dict[frozenset[str], list[str]] = {}
    for event, party in parties.items():
        groups.setdefault(frozenset(party), []).append(event)
    merged: dict[str, str] = {}  # event id → its group's node id
    group_nodes = []
    for who, members in sorted(groups.items(), key=lambda g: sorted(g[1])):
        if len(members) < 2 or not who:
            continue
        node_id = "events:" + "+".join(sorted(who))
        counts = {kind: sum(events[m].kind == kind for m in members) for kind in EVENT_KINDS}
        label = ", ".join(
            f"{n} {kind}s" if n != 1 else f"1 {kind}" for kind, n in counts.items() if n
        )
        group_nodes.append(Node(node_id, "events", label, degree=len(members)))
        merged.update(dict.fromkeys(members, node_id))
    if not merged:
        return network
    nodes = [n for n in network.nodes if n.id not in merged] + group_nodes
    edges: dict[tuple[str, str, str], Edge] = {}
    refs: dict[tuple[str, str, str], list[str]] = {}
    for edge in network.edges:
        source, target = merged.get(edge.source, edge.source), merged.get(edge.target, edge.target)
        if source == target:
            continue
        if source == edge.source and target == edge.target:
            edges[(source, target, edge.kind + str(edge.detail))] = edge
            continue
        kind = "together" if edge.kind == "party_to" else edge.kind
        key = (source, target, kind)
        refs.setdefault(key, []).extend(edge.refs or (edge.evidence.split(":")[0],))
        edges[key] = Edge(source, target, kind, edge.evidence, tuple(refs[key]))
    for key, edge in list(edges.items()):
        if key in refs:
            cited = sorted(set(refs[key]))
            shown = ", ".join(cited[:12]) + (
                f" and {len(cited) - 12} more" if len(cited) > 12 else ""
            )
            edges[key] = replace(edge, evidence=f"{len(cited)} records: {shown}", refs=tuple(cited))
    return replace(network, nodes=nodes, edges=list(edges.values()))


def layout(network: Network, width: int = 960, height: int = 640) -> dict[str, tuple[float, float]]:
    """Node id → (x, y) inside a ``width`` × ``height`` box with a margin. The same network
    always gets the same picture."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(n.id for n in network.nodes))
    graph.add_edges_from(sorted((e.source, e.target) for e in network.edges))
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {next(iter(graph.nodes)): (width / 2, height / 2)}
    raw = nx.spring_layout(
        graph, seed=SEED, k=2.4 / math.sqrt(graph.number_of_nodes()), iterations=200
    )
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    margin = 80
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {
        node: (
            margin + (float(p[0]) - min(xs)) / span_x * (width - 2 * margin),
            margin + (float(p[1]) - min(ys)) / span_y * (height - 2 * margin),
        )
        for node, p in raw.items()
    }


def _shape(kind: str, x: float, y: float, r: float, fill: str, extra: str) -> str:
    shape = node_styles().get(kind, ("#74808f", "circle", kind))[1]
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
            f'rx="2" fill="{fill}" {extra}/>'
        )
    if shape == "diamond":
        points = f"{x:.1f},{y - r * 1.2:.1f} {x + r * 1.2:.1f},{y:.1f} {x:.1f},{y + r * 1.2:.1f} "
        points += f"{x - r * 1.2:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{fill}" {extra}/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - r * 1.2:.1f} {x + r * 1.1:.1f},{y + r * 0.8:.1f} "
        points += f"{x - r * 1.1:.1f},{y + r * 0.8:.1f}"
        return f'<polygon points="{points}" fill="{fill}" {extra}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" {extra}/>'


#: Whose label is placed first when labels compete for room.
LABEL_PRIORITY: Mapping[str, int] = {"person": 0, "events": 1, "order": 2}
#: Width of a character of the 11 px label font, and a label's height, for overlap tests.
CHAR_W, LABEL_H = 6.8, 12.0


def _radius(node: Node, root: bool) -> float:
    if root:
        return 13.0
    if node.kind == "events":  # grows with the count, gently
        return 7.0 + min(9.0, 1.6 * math.sqrt(node.degree or 1))
    return 9.0 if node.kind == "person" else 7.0


def _label_spot(
    text: str,
    x: float,
    y: float,
    r: float,
    placed: list[tuple[float, float, float, float]],
    width: float,
    height: float,
) -> tuple[float, float] | None:
    """Where ``text`` goes by the mark at (x, y): below it, above it, or to a side, the first
    that overlaps no label in ``placed`` and stays in the picture (added to ``placed``); None
    when none does."""
    w = CHAR_W * len(text)
    for lx, ly in ((x, y + r + 12), (x, y - r - 4), (x + r + 4 + w / 2, y + 4),
                   (x - r - 4 - w / 2, y + 4)):  # fmt: skip
        box = (lx - w / 2, ly - LABEL_H + 2, lx + w / 2, ly + 2)
        if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
            continue
        if all(
            box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in placed
        ):
            placed.append(box)
            return lx, ly
    return None


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def network_svg(
    network: Network,
    positions: Mapping[str, tuple[float, float]],
    href_for: Callable[[Node], str | None],
    width: int = 960,
    height: int = 640,
) -> Markup:
    """The network as SVG (see the module docstring); ``href_for`` gives each node's page."""
    label = f"Link chart: {len(network.nodes)} nodes, {len(network.edges)} links"
    parts = [svg_open(width, height, "group", label, "network")]
    for edge in network.edges:
        if edge.source not in positions or edge.target not in positions:
            continue
        (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
        colour, dash, _label = edge_styles().get(edge.kind, ("#9aa5b1", "", edge.kind))
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        width_px = 2.5 if edge.kind in ("order", "relationship", "association") else 1.4
        parts.append(
            f'<line class="edge {escape(edge.kind)}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" stroke="{colour}" stroke-width="{width_px}"{dashing}>'
            f"<title>{escape(edge.kind.replace('_', ' '))}: {escape(edge.evidence)}</title></line>"
        )
    #: In a busy chart incidents and crimes are named on hover only, so people stay readable.
    quiet = {"incident", "crime"} if len(network.nodes) > EVENT_LABEL_LIMIT else set()
    placed: list[tuple[float, float, float, float]] = []
    # labels are placed most important first (the root, people, groups, the rest), each where
    # it overlaps no label already placed, else left to the mark's hover title
    order = sorted(
        (n for n in network.nodes if n.id in positions),
        key=lambda n: (n.id != network.root, LABEL_PRIORITY.get(n.kind, 9), n.id),
    )
    for node in order:
        x, y = positions[node.id]
        root = node.id == network.root
        fill = node_styles().get(node.kind, ("#74808f", "circle", node.kind))[0]
        r = _radius(node, root)
        stroke = 'stroke="#ffbf47" stroke-width="4"' if root else 'stroke="#fff" stroke-width="1.5"'
        if node.capped:
            stroke = 'stroke="#1b2330" stroke-width="1.5" stroke-dasharray="2 2"'
        tip = f"{node.label} ({node.kind})"
        if node.capped:
            tip += f": linked to {node.degree} people and incidents, not followed"
        label_class = "root" if root else node.kind
        weight = "700" if root or node.kind == "person" else "400"
        text = ""
        if root or node.kind not in quiet:
            spot = _label_spot(_short(node.label), x, y, r, placed, width, height)
            if spot is not None:
                lx, ly = spot
                text = (
                    f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" font-size="11" '
                    f'font-weight="{weight}" fill="#1b2330" class="{label_class}">'
                    f"{escape(_short(node.label))}</text>"
                )
        body = _shape(node.kind, x, y, r, fill, stroke) + text + f"<title>{escape(tip)}</title>"
        href = href_for(node)
        if href:
            parts.append(f'<a href="{escape(href)}" class="node">{body}</a>')
        else:
            parts.append(f'<g class="node">{body}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(network: Network) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The node kinds (label, colour, shape) and edge kinds (label, colour, dash) in the chart."""
    node_style, edge_style = node_styles(), edge_styles()
    node_kinds = [k for k in node_style if any(n.kind == k for n in network.nodes)]
    nodes = [(node_style[k][2], node_style[k][0], node_style[k][1]) for k in node_kinds]
    edge_kinds = [k for k in edge_style if any(e.kind == k for e in network.edges)]
    edges = [(edge_style[k][2], edge_style[k][0], edge_style[k][1]) for k in edge_kinds]
    return nodes, edges


def edges_in_words(edges: Sequence[Edge], labels: Mapping[str, str]) -> list[str]:
    """Each link as a sentence, for the table under the chart."""
    return [
        f"{labels.get(e.source, e.source)} — {e.kind.replace('_', ' ')} — "
        f"{labels.get(e.target, e.target)}: {e.evidence}"
        for e in edges
    ]
