"""The ``threadline`` command. Each command checks its input and calls one library function."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine

from threadline.settings import Settings

app = typer.Typer(
    name="threadline",
    help="Cross-reference every incident a police force logs with everything it already knows.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: THREADLINE_DATABASE_URL or sqlite:///var/threadline.db).",
    ),
]


def settings_for(db: str | None) -> Settings:
    settings = Settings()
    if db:
        settings = settings.model_copy(update={"database_url": db})
    return settings


def engine_for(db: str | None) -> Engine:
    from threadline.store import open_store

    return open_store(settings_for(db).database_url)


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


@app.command("synth")
def synth_command(
    out: Annotated[Path, typer.Argument(help="Folder to write the synthetic force into.")],
    incidents: Annotated[int, typer.Option(help="How many incidents to generate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same force.")] = 1,
) -> None:
    """Generate a synthetic force (incidents, orders, assessments) with its ground truth."""
    from threadline.synth import generate_force

    out.mkdir(parents=True, exist_ok=True)
    with Progress(
        TextColumn("[bold]Generating"),
        BarColumn(),
        TextColumn("{task.completed:,} incidents"),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task("synth", total=incidents)
        summary = generate_force(
            out, incidents, seed, progress=lambda n: bar.update(task, completed=n)
        )
    console.print(summary)


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
