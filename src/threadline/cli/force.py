"""Commands for synthetic forces and for scoring Threadline against their truth."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn

from threadline.cli.app import app, console, engine_for, errors
from threadline.cli.options import DbOption
from threadline.model.base import FORCE_TIMEZONE


@app.command("synth")
def synth_command(
    out: Annotated[Path, typer.Argument(help="Folder to write the synthetic force into.")],
    incidents: Annotated[int, typer.Option(help="How many incidents to generate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same force.")] = 1,
    profile: Annotated[
        str,
        typer.Option(
            help="Generator settings: default, or sparse (many shared surnames; most dates of "
            "birth, phones and e-mails absent)."
        ),
    ] = "default",
    end: Annotated[
        str | None,
        typer.Option(
            help="Last day of the generated period (YYYY-MM-DD, or 'today' in the force's time "
            "zone); the default period is 2023-01-01 to 2024-12-30."
        ),
    ] = None,
    current_story: Annotated[
        bool,
        typer.Option(
            help="Run the first ex-partner stalking series to the period's last days, its order "
            "still in force (the demo force)."
        ),
    ] = False,
) -> None:
    """Generate a synthetic force (incidents, crimes, orders, assessments) with its truth."""
    from threadline.synth import PROFILES, ending_on, generate_force

    if profile not in PROFILES:
        errors.print(f"[red]no profile {profile!r}; choose one of {', '.join(PROFILES)}[/red]")
        raise typer.Exit(2)
    config = replace(PROFILES[profile], current_story=current_story)
    if end is not None:
        config = ending_on(config, _last_day(end))
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
            out,
            incidents,
            seed,
            config,
            progress=lambda n: bar.update(task, completed=n),
        )
    console.print(summary)


def _last_day(end: str) -> date:
    """``end`` as a date: ``today`` in the force's time zone, or an ISO date; else exit 2."""
    if end == "today":
        return datetime.now(FORCE_TIMEZONE).date()
    try:
        return date.fromisoformat(end)
    except ValueError:
        errors.print(f"[red]--end {end!r}: not a date (YYYY-MM-DD) or 'today'[/red]")
        raise typer.Exit(2) from None


@app.command("eval")
def eval_command(
    force: Annotated[Path, typer.Argument(help="The synthetic force folder (with truth.json).")],
    db: DbOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    stock_splink: Annotated[
        bool, typer.Option("--stock-splink", help="Also run stock Splink as a baseline.")
    ] = False,
) -> None:
    """Score the store against a synthetic force's truth, beside the baselines."""
    from threadline.evaluate import render_table, to_json
    from threadline.evaluate.force import evaluate_force
    from threadline.evaluate.report import headroom_sentence

    if not (force / "truth.json").is_file():
        errors.print(f"[red]{force}: no truth.json (is it a `threadline synth` folder?)[/red]")
        raise typer.Exit(2)
    sections, details = evaluate_force(
        engine_for(db), force, stock_splink=stock_splink, say=lambda m: errors.print(m)
    )
    if json_output:
        typer.echo(to_json(sections, details))
    else:
        typer.echo(render_table(sections, title=f"Threadline against the truth of {force}"))
        headroom = headroom_sentence(details.get("resolution", {}))
        if headroom:
            typer.echo(headroom)
