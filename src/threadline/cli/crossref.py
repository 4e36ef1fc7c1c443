"""Commands for the bigger picture: picture, replay, recognise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.table import Table

from threadline.cli.app import DbOption, ModelOption, app, console, engine_for, errors, model_for


@app.command("picture")
def picture_command(
    ref: Annotated[str, typer.Argument(help="Incident reference.")],
    db: DbOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print everything the force knows that is linked to one incident."""
    from threadline.crossref import NotFound, build_picture

    try:
        with engine_for(db).connect() as conn:
            picture = build_picture(conn, ref)
    except NotFound as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    if json_output:
        typer.echo(json.dumps(picture.to_dict(), indent=2, default=str))
        return
    i = picture.incident
    console.print(
        Panel(
            f"[bold]{i['ref']}[/bold]  {i['reported_at']:%Y-%m-%d %H:%M} UTC  {i['channel']}  "
            f"{i['category']}  {i['location'] or ''}\n{i['narrative']}",
            title="Incident",
        )
    )
    for alert in picture.alerts:
        console.print(
            Panel(
                f"{alert['reason']}\n[bold]{alert['action'] or ''}[/bold]\n"
                f"cites: {', '.join(alert['cited'])}",
                title=f"[red]{alert['rule_id']}[/red]",
                border_style="red",
            )
        )
    for person in picture.people:
        who = f"{person.written_as} ({person.role})"
        entity = f"{person.entity_id} {person.entity_label or ''}" if person.entity_id else "-"
        console.print(f"\n[bold]{who}[/bold] → {entity}  [{person.resolved_by or 'unresolved'}]")
        for line in person.evidence[:4]:
            console.print(f"    {line}")
        for order in person.orders:
            state = "ACTIVE" if order.active else "not active"
            console.print(
                f"    [yellow]{order.label} {order.ref} ({order.role}), "
                f"{order.starts}–{order.ends or 'open'}: {state}[/yellow]"
            )
        table = Table("when", "ref", "what", "people", box=None, padding=(0, 1))
        for entry in person.records[:30]:
            table.add_row(f"{entry.when:%Y-%m-%d}", entry.ref, entry.title, "; ".join(entry.roles))
        if person.records:
            console.print(table)
        if len(person.records) > 30:
            console.print(f"    ... and {len(person.records) - 30} more")
    for link in picture.linked_by_objects:
        refs = ", ".join(e.ref for e in link.records[:10])
        more = f" and {link.more} more" if link.more else ""
        console.print(f"\n[cyan]{link.kind} {link.value}[/cyan] also in: {refs}{more}")


@app.command("replay")
def replay_command(
    files: Annotated[list[Path], typer.Argument(help="Records to replay (JSON Lines or CSV).")],
    db: DbOption = None,
    model: ModelOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="JSON lines of alerts.")] = False,
) -> None:
    """Feed records one at a time, in reported order, through the live path; print each alert."""
    from threadline.crossref.pipeline import Submission
    from threadline.crossref.replay import replay

    linkage = model_for(model)
    engine = engine_for(db)

    def show(submission: Submission) -> None:
        for change in submission.changes:
            alert = change.alert
            if json_output:
                typer.echo(
                    json.dumps(
                        {
                            "incident_ref": submission.ref,
                            "change": change.change,
                            "rule": alert.rule_id,
                            "people": list(alert.people),
                            "reason": alert.reason,
                            "cited": list(alert.cited),
                            "action": alert.action,
                        }
                    )
                )
            else:
                console.print(
                    f"[bold]{submission.ref}[/bold] {change.change} "
                    f"[red]{alert.rule_id}[/red]: {alert.reason} "
                    f"(cites {', '.join(alert.cited)})",
                    highlight=False,
                )

    report = replay(engine, linkage, files, on_submission=show)
    for rejection in report.rejections[:50]:
        errors.print(str(rejection), markup=False)
    latencies = sorted(report.latencies_ms)
    if latencies:
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        errors.print(
            f"replayed {report.submitted:,} records, {report.changes:,} alert changes; "
            f"p95 {p95:.0f} ms per record"
        )
    if report.rejections:
        raise typer.Exit(1)


@app.command("recognise")
def recognise_command(db: DbOption = None) -> None:
    """Rebuild every alert by sweeping the store's records in reported order."""
    from threadline.crossref.replay import sweep

    with console.status("Recognising"):
        total = sweep(engine_for(db))
    console.print(f"{total:,} alert changes")
