"""Commands for the store and its records: init, schema, import, summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from threadline.cli.app import app, console, engine_for, errors
from threadline.cli.options import DbOption


@app.command("init")
def init_command(db: DbOption = None) -> None:
    """Create the store, or bring its schema up to date."""
    from threadline.store import table_names

    engine = engine_for(db)
    console.print(f"Store ready: {engine.url.render_as_string(hide_password=True)}")
    console.print(f"{len(table_names(engine))} tables")


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of one line of a JSON Lines import file."""
    from threadline.model.schema import import_json_schema

    typer.echo(json.dumps(import_json_schema(), indent=2))


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="JSON Lines (.jsonl) or CSV (.csv) files.")],
    db: DbOption = None,
    batch_size: Annotated[int, typer.Option(help="Records per transaction.")] = 1000,
    show: Annotated[int, typer.Option(help="How many rejections to print.")] = 50,
) -> None:
    """Import incidents, crimes, orders and risk assessments. Exits 1 if any record was rejected."""
    from threadline.ingest import import_files

    for path in files:
        if not path.is_file():
            errors.print(f"[red]{path}: no such file[/red]")
            raise typer.Exit(2)
    engine = engine_for(db)
    total = sum(p.stat().st_size for p in files)
    with Progress(
        TextColumn("[bold]Importing"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
        disable=total < 2_000_000,
    ) as bar:
        task = bar.add_task("import", total=total)
        report = import_files(
            engine,
            files,
            batch_size=batch_size,
            progress=lambda _stage, done, _total: bar.update(task, completed=done),
        )
    for rejection in report.rejections[:show]:
        errors.print(str(rejection), markup=False, highlight=False)
    if len(report.rejections) > show:
        errors.print(f"... and {len(report.rejections) - show} more problems")
    c = report.counts
    console.print(
        f"stored {c.stored}, updated {c.updated}, unchanged {c.unchanged}, "
        f"rejected {report.rejected}"
    )
    if not report.ok:
        raise typer.Exit(1)


@app.command("summary")
def summary_command(db: DbOption = None) -> None:
    """Print what the store holds."""
    from threadline.store import summarise

    table = Table("what", "how many", title="Threadline store")
    for label, value in summarise(engine_for(db)).rows():
        table.add_row(label, f"{value:,}")
    console.print(table)
