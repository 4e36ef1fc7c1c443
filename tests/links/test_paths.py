"""Shortest paths, link charts and a suspect's reach on small hand-built stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from links_factory import assoc, inc, order, p, resolve_by_name, store
from threadline.ingest.neo4j_csv import import_neo4j_csv
from threadline.links import LinkGraph, expand, network, shortest_paths, suspect_reach

PEOPLE = {
    "P1": "Alys Penhallow",
    "P2": "Gareth Tregothnan",
    "P3": "Morwenna Penhallow",
    "P4": "Dylan Carbis",
    "P5": "Eira Nancarrow",
}
SHARED_PHONE = "phone:+447700900555"


@pytest.fixture
def case(engine: Engine) -> Engine:
    """Gareth abuses his former partner Alys (INC-1, INC-4); her mother Morwenna is family by an
    intelligence record; Gareth gave a phone in INC-3 that Dylan gave in INC-2; Eira is alone."""
    store(
        engine,
        inc(
            "INC-1",
            p(
                "victim",
                "Alys Penhallow",
                address={"text": "4 Kestrel Close", "postcode": "ST16 2AB"},
            ),
            p("suspect", "Gareth Tregothnan", relationship_to_victim="former_partner"),
            location={"text": "4 Kestrel Close", "postcode": "ST16 2AB"},
        ),
        inc("INC-2", p("victim", "Dylan Carbis", phones=["07700 900555"]), day="2026-01-07"),
        inc("INC-3", p("witness", "Gareth Tregothnan", phones=["07700900555"]), day="2026-01-09"),
        inc(
            "INC-4",
            p("victim", "Alys Penhallow"),
            p("suspect", "Gareth Tregothnan", relationship_to_victim="former_partner"),
            day="2026-01-12",
        ),
        inc("INC-5", p("victim", "Eira Nancarrow"), day="2026-01-14"),
        assoc(
            "INT-7",
            "Alys Penhallow",
            "Morwenna Penhallow",
            family_kind="parent",
            since="2024-01-02",
        ),
    )
    resolve_by_name(engine, PEOPLE)
    return engine


def test_no_path_between_unconnected_people(case: Engine) -> None:
    with case.connect() as conn:
        assert shortest_paths(conn, "P1", "P5") == []


def test_one_path_through_a_shared_phone_with_evidence(case: Engine) -> None:
    with case.connect() as conn:
        [path] = shortest_paths(conn, "P2", "P4")
    assert path.ids == ("P2", SHARED_PHONE, "P4")
    first, second = path.hops
    [edge] = first.edges
    assert edge.kind == "has_phone"
    assert edge.evidence == "phone +447700900555 recorded for Gareth Tregothnan in INC-3"
    assert second.edges[0].evidence == "phone +447700900555 recorded for Dylan Carbis in INC-2"


def test_direct_relationship_is_the_shortest_path(case: Engine) -> None:
    with case.connect() as conn:
        [path] = shortest_paths(conn, "P2", "P1")
    assert path.ids == ("P2", "P1")
    [edge] = path.hops[0].edges
    assert edge.kind == "relationship" and edge.detail == "former_partner"
    assert edge.evidence == "INC-1 and INC-4: suspect, former partner of the victim"


def test_several_shortest_paths_when_only_shared_incidents_count(case: Engine) -> None:
    with case.connect() as conn:
        paths = shortest_paths(conn, "P2", "P1", kinds={"party_to"})
    assert [p.ids for p in paths] == [
        ("P2", "incident:cad:INC-1", "P1"),
        ("P2", "incident:cad:INC-4", "P1"),
    ]
    assert paths[0].hops[0].edges[0].evidence == "INC-1: suspect, former partner of the victim"
    assert paths[0].hops[1].edges[0].evidence == "INC-1: victim"
    assert paths[0].nodes[1].label == "INC-1 (harassment, 2026-01-05)"
    with case.connect() as conn:
        assert len(shortest_paths(conn, "P2", "P1", kinds={"party_to"}, limit=1)) == 1


def test_hop_limit(case: Engine) -> None:
    kinds = {"party_to", "association"}
    with case.connect() as conn:
        assert shortest_paths(conn, "P2", "P3", max_hops=2, kinds=kinds) == []
        paths = shortest_paths(conn, "P2", "P3", max_hops=3, kinds=kinds)
    assert {p.ids[1] for p in paths} == {"incident:cad:INC-1", "incident:cad:INC-4"}
    assert all(p.length == 3 for p in paths)
    association = paths[0].hops[2].edges[0]
    assert (
        association.evidence == "association family (parent) from intel ref INT-7 since 2024-01-02"
    )


def test_link_kind_filter_can_cut_every_path(case: Engine) -> None:
    with case.connect() as conn:
        assert shortest_paths(conn, "P2", "P4", kinds={"party_to", "relationship"}) == []
        with pytest.raises(ValueError, match="unknown link kind sibling_of"):
            shortest_paths(conn, "P2", "P4", kinds={"sibling_of"})


def test_address_and_incident_location_meet_at_one_location_node(case: Engine) -> None:
    with case.connect() as conn:
        nodes, edges = expand(conn, ["P1"])
    [lives] = [e for e in edges if e.kind == "lives_at"]
    assert lives.evidence == "address 4 Kestrel Close, ST16 2AB given for Alys Penhallow in INC-1"
    with case.connect() as conn:
        _, location_edges = expand(conn, [lives.target])
    kinds = {(e.kind, e.source) for e in location_edges}
    assert ("occurred_at", "incident:cad:INC-1") in kinds and ("lives_at", "P1") in kinds


def test_order_links_respondent_to_protected(engine: Engine) -> None:
    store(engine, order("ORD-1", "Gareth Tregothnan", "Alys Penhallow"))
    resolve_by_name(engine, {"P1": "Alys Penhallow", "P2": "Gareth Tregothnan"})
    with engine.connect() as conn:
        [path] = shortest_paths(conn, "P2", "P1")
    [edge] = path.hops[0].edges
    assert edge.kind == "order"
    assert edge.evidence == (
        "ORD-1: non-molestation order binds Gareth Tregothnan and protects Alys Penhallow, "
        "from 2026-01-01 to 2027-01-01"
    )


def test_busy_phone_is_reported_not_passed_through(engine: Engine) -> None:
    names = ["Kit Bolitho", "Ros Bolitho", "Jory Bolitho", "Tam Bolitho"]
    store(
        engine,
        *[
            inc(f"H-{n}", p("caller", name, phones=["07700 900777"]))
            for n, name in enumerate(names)
        ],
    )
    resolve_by_name(engine, {f"P{n}": name for n, name in enumerate(names)})
    with engine.connect() as conn:
        blocked = shortest_paths(conn, "P0", "P1", degree_cap=3)
        assert blocked == []
        [busy] = blocked.capped
        assert busy.id == "phone:+447700900777" and busy.degree == 4
        assert len(shortest_paths(conn, "P0", "P1", degree_cap=4)) == 1
        # a busy node asked for by name is still searched from
        [ending] = shortest_paths(conn, "phone:+447700900777", "P1", degree_cap=3)
    assert ending.ids == ("phone:+447700900777", "P1")


def test_lazy_graph_expands_only_what_is_asked(case: Engine) -> None:
    with case.connect() as conn:
        graph = LinkGraph(conn)
        graph.expand(["P4"])
        assert graph.expanded == {"P4"}
        assert set(graph.neighbours("P4")) == {SHARED_PHONE, "incident:cad:INC-2"}
        assert "P2" not in graph.nodes


def test_network_depth_and_node_cap(case: Engine) -> None:
    with case.connect() as conn:
        one = network(conn, "P2", depth=1)
        two = network(conn, "P2", depth=2)
        capped = network(conn, "P2", depth=2, max_nodes=3)
    assert {n.id for n in one.nodes} == {
        "P2",
        "P1",
        "incident:cad:INC-1",
        "incident:cad:INC-3",
        "incident:cad:INC-4",
        SHARED_PHONE,
    }
    assert not one.truncated
    assert {"P4", "P3"} <= {n.id for n in two.nodes}
    assert not {"P5", "incident:cad:INC-2"} & {n.id for n in two.nodes}  # 3 hops, and none
    assert capped.truncated and len(capped.nodes) == 3 and capped.nodes[0].id == "P2"
    shown = {n.id for n in capped.nodes}
    assert all(e.source in shown and e.target in shown for e in capped.edges)
    elements = two.to_cytoscape()
    ids = {n["data"]["id"] for n in elements["nodes"]}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in elements["edges"])
    assert any("root" in n["classes"] for n in elements["nodes"])
    assert {"id", "source", "target", "kind", "evidence"} <= set(elements["edges"][0]["data"])


def test_suspect_reach_with_and_without_a_victim(case: Engine) -> None:
    with case.connect() as conn:
        around = suspect_reach(conn, "P2")
        between = suspect_reach(conn, "P2", "P1")
    assert [r.entity_id for r in around] == ["P1", "P4", "P3"]
    dylan = around[1]
    assert dylan.via.ids == ("P2", SHARED_PHONE, "P4")
    assert dylan.incidents == ["INC-2"]
    assert around[0].incidents == ["INC-4", "INC-1"]
    [mother] = between
    assert mother.entity_id == "P3" and mother.label == "Morwenna Penhallow"
    assert mother.via.ids == ("P2", "P1", "P3")
    assert mother.to_victim is not None and mother.to_victim.ids == ("P3", "P1")
    assert mother.incidents == []


def test_paths_through_a_graph_imported_from_neo4j(engine: Engine) -> None:
    fixture = Path(__file__).parents[1] / "ingest" / "fixtures" / "neo4j_pole"
    nodes = [fixture / f for f in ("people.csv", "objects.csv", "crimes.csv")]
    rels = [fixture / f for f in ("party_to.csv", "person_links.csv", "person_objects.csv")]
    import_neo4j_csv(engine, nodes, rels)
    resolve_by_name(engine, PEOPLE)
    with engine.connect() as conn:
        paths = shortest_paths(conn, "P2", "P3")
    assert {p.ids for p in paths} == {
        ("P2", "crime:neo4j:CRM-2017-000101", "P1", "P3"),  # both parties to the crime
        ("P2", "P4", "P1", "P3"),  # KNOWS, then KNOWS_SN
    }
    family = paths[0].hops[2].edges[0]
    assert family.evidence == (
        "association family (parent) from neo4j ref FAMILY_REL:p1:p3 since 2024-01-02: "
        "FAMILY_REL rel_type=PARENT"
    )
