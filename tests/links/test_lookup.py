"""Naming the ends of a search in any form, and paths written out hop by hop."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from links_factory import inc, p, resolve_by_name, store
from threadline.links import NodeNotFound, chart, connect, format_path, format_paths, resolve_node


@pytest.fixture
def case(engine: Engine) -> Engine:
    store(
        engine,
        inc(
            "INC-1",
            p("victim", "Alys Penhallow", emails=["Alys.P@example.com"]),
            p("suspect", "Gareth Tregothnan", relationship_to_victim="former_partner"),
        ),
        inc("INC-2", p("caller", "Dylan Carbis", phones=["07700 900555"])),
        inc("INC-3", p("witness", "Gareth Tregothnan", phones=["+44 7700 900555"])),
        inc("INC-4", p("victim", "Tamsin Rowe"), p("suspect", "Unknown Male")),
    )
    resolve_by_name(
        engine, {"P1": "Alys Penhallow", "P2": "Gareth Tregothnan", "P4": "Dylan Carbis"}
    )
    return engine


def test_ends_may_be_entities_mentions_objects_or_events(case: Engine) -> None:
    with case.connect() as conn:
        assert resolve_node(conn, "P1") == "P1"
        assert resolve_node(conn, "incident:cad:INC-1#1") == "P2"
        # an unresolved mention is a person of its own
        assert resolve_node(conn, "incident:cad:INC-4#0") == "mention:incident:cad:INC-4#0"
        assert resolve_node(conn, "phone:07700 900555") == "phone:+447700900555"
        assert resolve_node(conn, "email:alys.p@EXAMPLE.com") == "email:alys.p@example.com"
        assert resolve_node(conn, "incident:cad:INC-2") == "incident:cad:INC-2"
        for missing in ("P9", "phone:07700 900999", "incident:cad:NOPE", "incident:cad:INC-1#7"):
            with pytest.raises(NodeNotFound):
                resolve_node(conn, missing)
        with pytest.raises(NodeNotFound, match="not a link-graph node"):
            resolve_node(conn, "spaceship:X1")


def test_connect_and_format_each_hop_on_its_own_line(case: Engine) -> None:
    [path] = connect(case, "incident:cad:INC-1#0", "phone:07700900555")
    assert path.ids == ("P1", "P2", "phone:+447700900555")
    text = format_path(path)
    lines = text.splitlines()
    assert len(lines) == 1 + path.length
    assert lines[0] == ("Alys Penhallow [P1] to phone +447700900555 [phone:+447700900555]: 2 hops")
    assert lines[1] == (
        "  1. Alys Penhallow [P1] <-relationship- Gareth Tregothnan [P2]: "
        "INC-1: suspect, former partner of the victim"
    )
    assert lines[2].startswith("  2. Gareth Tregothnan [P2] -has_phone-> phone +447700900555")
    assert lines[2].endswith("phone +447700900555 recorded for Gareth Tregothnan in INC-3")


def test_unresolved_person_is_searchable_and_named_as_written(case: Engine) -> None:
    [path] = connect(case, "incident:cad:INC-4#1", "incident:cad:INC-4#0")
    assert path.nodes[0].label == "Unknown Male (suspect in INC-4, unresolved)"
    assert path.length == 2


def test_no_connection_is_said_in_words(case: Engine) -> None:
    paths = connect(case, "P1", "P4", max_hops=2)
    assert paths == [] and format_paths(paths) == "no connection found"
    assert len(connect(case, "P1", "P4", max_hops=3)) == 1


def test_chart_of_a_person(case: Engine) -> None:
    elements = chart(case, "P2", depth=1).to_cytoscape()
    assert {n["data"]["kind"] for n in elements["nodes"]} == {"person", "incident", "phone"}


def test_busy_nodes_are_named_in_the_text(engine: Engine) -> None:
    names = ["Kit Bolitho", "Ros Bolitho", "Jory Bolitho"]
    store(
        engine,
        *[inc(f"H-{n}", p("caller", x, phones=["07700 900777"])) for n, x in enumerate(names)],
    )
    resolve_by_name(engine, {f"P{n}": x for n, x in enumerate(names)})
    paths = connect(engine, "P0", "P1", degree_cap=2)
    assert format_paths(paths) == (
        "no connection found\n\n"
        "not searched through (too many links): "
        "phone +447700900777 [phone:+447700900777] (3+ links)"
    )
