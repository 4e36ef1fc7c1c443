"""Link analysis: the POLE graph of people, objects, locations and events, read lazily from the
store, and the searches on it (how are these two connected, a link chart, a suspect's reach).
See docs/links.md."""

from threadline.links.disclosed import disclose_paths, disclose_reach
from threadline.links.graph import (
    DEFAULT_DEGREE_CAP,
    Edge,
    LinkGraph,
    Node,
    edge_kinds,
    expand,
    node_kind,
)
from threadline.links.lookup import (
    NodeNotFound,
    chart,
    connect,
    format_path,
    format_paths,
    format_reach,
    reach,
    resolve_node,
)
from threadline.links.paths import (
    Hop,
    Network,
    Path,
    Paths,
    Reach,
    network,
    shortest_paths,
    suspect_reach,
)

__all__ = [
    "DEFAULT_DEGREE_CAP",
    "edge_kinds",
    "Edge",
    "Hop",
    "LinkGraph",
    "Network",
    "Node",
    "NodeNotFound",
    "Path",
    "Paths",
    "Reach",
    "chart",
    "connect",
    "disclose_paths",
    "disclose_reach",
    "expand",
    "format_path",
    "format_paths",
    "format_reach",
    "network",
    "node_kind",
    "reach",
    "resolve_node",
    "shortest_paths",
    "suspect_reach",
]
