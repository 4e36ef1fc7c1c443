"""Commands for link analysis: how are two people connected, who can a suspect reach."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from threadline.cli.app import app, engine_for, errors, fail, now, reader_for, say
from threadline.cli.options import DbOption, PurposeOption, UserOption

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from threadline.crossref.reads import Reader

T = TypeVar("T")
KindsOption = Annotated[
    list[str] | None, typer.Option("--kind", help="Only these link kinds (repeat the option).")
]


def _people(ids: Iterable[str]) -> list[str]:
    """The audit records of the people among link-graph node ids."""
    from threadline.links import node_kind

    return sorted({f"person:{i}" for i in ids if node_kind(i) == "person"})


def _link_search(
    db: str | None,
    user: str,
    purpose: str,
    command: str,
    search: Callable[[Engine], T],
    records: Callable[[T], Sequence[str]],
    detail: Callable[[T], dict[str, Any]],
    missing: Callable[[LookupError], Sequence[str]],
) -> tuple[T, Reader]:
    """``search`` run for ``user`` as the link chart runs it: ``network.view``, audited with the
    purpose (:func:`~threadline.crossref.reads.audited_read`), with who read it; an unknown node
    or a bad argument ends the command with its reason and exit status 1."""
    from threadline.crossref.reads import audited_read
    from threadline.links import NodeNotFound

    engine = engine_for(db)
    who = reader_for(engine, user, purpose, "network.view", command)
    try:
        found = audited_read(
            engine, who, lambda _: search(engine), records, now(), detail, missing=missing
        )
    except (NodeNotFound, ValueError) as error:
        fail(str(error))
    return found, who


@app.command("connect")
def connect_command(
    a: Annotated[str, typer.Argument(help="Entity id, mention key, or object like phone:07700…")],
    b: Annotated[str, typer.Argument(help="The other end.")],
    user: UserOption = "",
    purpose: PurposeOption = "",
    max_hops: Annotated[int, typer.Option(help="Longest path to look for.")] = 4,
    kind: KindsOption = None,
    db: DbOption = None,
) -> None:
    """Show the shortest paths between two people (or objects), each hop with its evidence.

    As the link chart: the user's role must allow ``network.view``, the search is audited with
    the purpose, and phones, e-mails, accounts, vehicles and places are shown as their kind to a
    role that may not see contact details."""
    from threadline.links import connect, disclose_paths, format_paths

    paths, who = _link_search(
        db,
        user,
        purpose,
        "connect",
        lambda engine: connect(engine, a, b, max_hops=max_hops, kinds=set(kind) if kind else None),
        lambda found: _people(n.id for p in found for n in p.nodes),
        lambda found: {"paths": len(found), "max_hops": max_hops},
        missing=lambda _: [],
    )
    say(format_paths(disclose_paths(paths, who.role)))
    if not paths:
        raise typer.Exit(1)


@app.command("network")
def network_command(
    entity: Annotated[str, typer.Argument(help="Entity id of the person at the centre.")],
    user: UserOption = "",
    purpose: PurposeOption = "",
    depth: Annotated[int, typer.Option(help="How many hops out.")] = 2,
    kind: KindsOption = None,
    db: DbOption = None,
) -> None:
    """Print a person's network to a depth as Cytoscape.js elements (JSON).

    As the link chart page: ``network.view``, audited with the purpose, contact details shown
    only to roles that may see them."""
    from threadline.guard.disclosure import disclose_network
    from threadline.links import chart

    network, who = _link_search(
        db,
        user,
        purpose,
        "network",
        lambda engine: chart(engine, entity, depth, set(kind) if kind else None),
        lambda found: _people([found.root, *(n.id for n in found.nodes)]),
        lambda found: {"depth": depth, "nodes": len(found.nodes), "edges": len(found.edges)},
        missing=lambda _: [f"person:{entity}"],
    )
    shown = disclose_network(network, who.role)
    typer.echo(json.dumps(shown.to_cytoscape(), indent=2, default=str))


@app.command("reach")
def reach_command(
    suspect: Annotated[str, typer.Argument(help="Entity id of the suspect.")],
    user: UserOption = "",
    purpose: PurposeOption = "",
    victim: Annotated[str | None, typer.Option(help="Only people also near this victim.")] = None,
    depth: int = 2,
    db: DbOption = None,
) -> None:
    """The people within two hops of a suspect, and the incidents they appear in.

    As the link chart: ``network.view``, audited with the purpose, contact details shown only
    to roles that may see them."""
    from threadline.links import disclose_reach, format_reach, reach

    asked = [suspect, *([victim] if victim else [])]
    found, who = _link_search(
        db,
        user,
        purpose,
        "reach",
        lambda engine: reach(engine, suspect, victim, depth),
        lambda people: _people([*asked, *(r.entity_id for r in people)]),
        lambda people: {"depth": depth, "people": len(people)},
        missing=lambda _: _people(asked),
    )
    say(format_reach(disclose_reach(found, who.role)))


@app.command("import-neo4j")
def import_neo4j_command(
    nodes: Annotated[list[Path], typer.Option("--nodes", help="Node CSV files (:ID, :LABEL).")],
    relationships: Annotated[
        list[Path], typer.Option("--relationships", help="Relationship CSV files.")
    ],
    db: DbOption = None,
) -> None:
    """Import a POLE graph in Neo4j's bulk-importer CSV layout; report what was not mapped."""
    from threadline.ingest.neo4j_csv import import_neo4j_csv

    for path in [*nodes, *relationships]:
        if not path.is_file():
            errors.print(f"[red]{path}: no such file[/red]")
            raise typer.Exit(2)
    report = import_neo4j_csv(engine_for(db), nodes, relationships)
    for line in report.lines():
        say(line)
    if not report.import_report.ok:
        raise typer.Exit(1)
