"""Commands for link analysis: how are two people connected, who can a suspect reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from threadline.cli.app import DbOption, app, console, engine_for, errors

KindsOption = Annotated[
    list[str] | None, typer.Option("--kind", help="Only these link kinds (repeat the option).")
]


@app.command("connect")
def connect_command(
    a: Annotated[str, typer.Argument(help="Entity id, mention key, or object like phone:07700…")],
    b: Annotated[str, typer.Argument(help="The other end.")],
    max_hops: Annotated[int, typer.Option(help="Longest path to look for.")] = 4,
    kind: KindsOption = None,
    db: DbOption = None,
) -> None:
    """Show the shortest paths between two people (or objects), each hop with its evidence."""
    from threadline.links import NodeNotFound, connect, format_paths

    try:
        paths = connect(engine_for(db), a, b, max_hops=max_hops, kinds=set(kind) if kind else None)
    except (NodeNotFound, ValueError) as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    console.print(format_paths(paths), highlight=False, markup=False)
    if not paths:
        raise typer.Exit(1)


@app.command("network")
def network_command(
    entity: Annotated[str, typer.Argument(help="Entity id of the person at the centre.")],
    depth: Annotated[int, typer.Option(help="How many hops out.")] = 2,
    kind: KindsOption = None,
    db: DbOption = None,
) -> None:
    """Print a person's network to a depth as Cytoscape.js elements (JSON)."""
    from threadline.links import NodeNotFound, chart

    try:
        network = chart(engine_for(db), entity, depth, set(kind) if kind else None)
    except (NodeNotFound, ValueError) as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    typer.echo(json.dumps(network.to_cytoscape(), indent=2, default=str))


@app.command("reach")
def reach_command(
    suspect: Annotated[str, typer.Argument(help="Entity id of the suspect.")],
    victim: Annotated[str | None, typer.Option(help="Only people also near this victim.")] = None,
    depth: int = 2,
    db: DbOption = None,
) -> None:
    """The people within two hops of a suspect, and the incidents they appear in."""
    from threadline.links import NodeNotFound, format_reach, reach

    try:
        found = reach(engine_for(db), suspect, victim, depth)
    except (NodeNotFound, ValueError) as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    console.print(format_reach(found), highlight=False, markup=False)


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
        console.print(line, highlight=False, markup=False)
    if not report.import_report.ok:
        raise typer.Exit(1)
