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


def busy_network(events: int = 40) -> Network:
    """A victim, her ex and her mother: ``events`` incidents and crimes between the victim and
    her ex, three with her mother too, one incident of the mother's alone, and a phone."""
    nodes = [
        Node("P1", "person", "Alys Penhallow"),
        Node("P2", "person", "Gareth Tregothnan"),
        Node("P3", "person", "Morwenna Penhallow"),
        Node("phone:+447700900123", "phone", "+447700900123"),
        Node("location:TR1", "location", "1 Quay Street"),
    ]
    edges = [Edge("P2", "phone:+447700900123", "has_phone", "phone in INC-0")]
    for i in range(events):
        kind = "crime" if i % 3 == 0 else "incident"
        node = f"{kind}:cad:X-{i}"
        nodes.append(Node(node, kind, f"X-{i}"))
        edges += [
            Edge("P1", node, "party_to", f"X-{i}: victim", (f"X-{i}",)),
            Edge("P2", node, "party_to", f"X-{i}: suspect", (f"X-{i}",)),
        ]
        if i < 3:
            edges.append(Edge("P3", node, "party_to", f"X-{i}: caller", (f"X-{i}",)))
        if i == 5:
            edges.append(Edge(node, "location:TR1", "occurred_at", "X-5 at 1 Quay Street"))
    nodes.append(Node("incident:cad:M-1", "incident", "M-1"))
    edges.append(Edge("P3", "incident:cad:M-1", "party_to", "M-1: victim", ("M-1",)))
    return Network("P1", nodes, edges)


def test_incidents_of_the_same_people_are_one_node_with_their_count() -> None:
    from threadline.web.linkchart import group_events

    grouped = group_events(busy_network())
    by_id = {n.id: n for n in grouped.nodes}
    pair, trio = by_id["events:P1+P2"], by_id["events:P1+P2+P3"]
    assert pair.kind == trio.kind == "events"
    assert pair.label == "24 incidents, 13 crimes" and pair.degree == 37  # X-3 .. X-39
    assert trio.label == "2 incidents, 1 crime"  # X-0 (a crime), X-1, X-2
    assert "incident:cad:M-1" in by_id  # alone in its group: itself, a link to its page
    assert not any(n.kind in ("incident", "crime") and n.id.startswith(("incident:cad:X", "crime"))
                   for n in grouped.nodes)  # fmt: skip
    together = [
        e for e in grouped.edges if e.target == "events:P1+P2" or e.source == "events:P1+P2"
    ]
    assert {(e.source, e.kind) for e in together if e.kind == "together"} == {
        ("P1", "together"), ("P2", "together"),
    }  # fmt: skip
    cited = next(e for e in together if e.source == "P1")
    assert len(cited.refs) == 37 and cited.evidence.startswith("37 records: X-10, X-11")
    assert any(e.kind == "occurred_at" and e.target == "location:TR1" for e in together)
    assert len(grouped.nodes) == 8 and len(grouped.edges) < len(busy_network().edges) / 5


def test_the_kind_filter_keeps_people_and_the_kinds_asked_for() -> None:
    from threadline.web.linkchart import only_kinds

    net = busy_network(4)
    people_only = only_kinds(net, [])
    assert {n.kind for n in people_only.nodes} == {"person"}
    assert people_only.edges == []
    phones = only_kinds(net, ["identifiers"])
    assert {n.kind for n in phones.nodes} == {"person", "phone"}
    assert [e.kind for e in phones.edges] == ["has_phone"]


def test_no_two_labels_overlap_however_busy_the_chart() -> None:
    from threadline.web.linkchart import CHAR_W, LABEL_H

    net = busy_network(60)
    net = Network(
        net.root,
        [*net.nodes, *(Node(f"P{i}", "person", f"Person number {i}") for i in range(10, 70))],
        [*net.edges, *(Edge("P1", f"P{i}", "association", "known") for i in range(10, 70))],
    )
    root = ElementTree.fromstring(str(network_svg(net, layout(net), href)))
    boxes = []
    for text in root.iter(f"{SVG}text"):
        x, y, w = (
            float(text.get("x") or 0),
            float(text.get("y") or 0),
            CHAR_W * len(text.text or ""),
        )
        boxes.append((x - w / 2, y - LABEL_H + 2, x + w / 2, y + 2))
    assert len(boxes) > 20  # most are named
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3], (a, b)
