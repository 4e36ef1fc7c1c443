"""The link chart: a deterministic server-side layout and SVG whose nodes link to their pages."""

from __future__ import annotations

from xml.etree import ElementTree

from threadline.links import Edge, Network, Node
from threadline.web.linkchart import layout, legend, network_svg

SVG = "{http://www.w3.org/2000/svg}"


def small_network() -> Network:
    nodes = [
        Node("P0000001", "person", "Alys Penhallow"),
        Node("P0000002", "person", "Gareth Tregothnan"),
        Node("incident:cad:INC-1", "incident", "INC-1 harassment"),
        Node("phone:+447700900123", "phone", "+447700900123"),
    ]
    edges = [
        Edge("P0000001", "incident:cad:INC-1", "party_to", "INC-1: victim"),
        Edge("P0000002", "incident:cad:INC-1", "party_to", "INC-1: suspect"),
        Edge("P0000002", "P0000001", "order", "ORD-1 binds Gareth & protects Alys"),
        Edge("P0000002", "phone:+447700900123", "has_phone", "phone in INC-1"),
    ]
    return Network("P0000001", nodes, edges)


def href(node: Node) -> str | None:
    return f"/people/{node.id}" if node.kind == "person" else None


def test_layout_is_the_same_every_time_and_inside_the_box() -> None:
    first, second = layout(small_network()), layout(small_network())
    assert first == second
    assert set(first) == {n.id for n in small_network().nodes}
    for x, y in first.values():
        assert 0 <= x <= 960 and 0 <= y <= 640
    assert len({(round(x), round(y)) for x, y in first.values()}) == 4


def test_svg_links_nodes_to_their_pages_and_styles_edges_by_kind() -> None:
    net = small_network()
    root = ElementTree.fromstring(str(network_svg(net, layout(net), href)))
    assert sorted(a.get("href") or "" for a in root.findall(f".//{SVG}a")) == [
        "/people/P0000001",
        "/people/P0000002",
    ]
    lines = root.findall(f".//{SVG}line")
    kinds = {(line.get("class") or "").split()[-1]: line for line in lines}
    assert set(kinds) == {"party_to", "order", "has_phone"}
    assert kinds["order"].get("stroke") != kinds["party_to"].get("stroke")
    assert "&" in (kinds["order"].find(f"{SVG}title").text or "")  # escaped, then parsed back


def test_legend_lists_only_the_kinds_in_the_chart() -> None:
    nodes, edges = legend(small_network())
    assert [label for label, _c, _s in nodes] == ["Person", "Incident", "Phone"]
    assert {label for label, _c, _d in edges} == {
        "Part of an incident or crime",
        "Court order (binds → protects)",
        "Has phone",
    }
