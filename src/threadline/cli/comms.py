"""Commands for communications evidence: import-comms, attribute-comms."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from threadline.cli.app import app, console, engine_for, errors
from threadline.cli.options import DbOption

if TYPE_CHECKING:
    from sqlalchemy import Engine


@app.command("import-comms")
def import_comms_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="WhatsApp chat exports (.txt), Facebook/Instagram message files (.json), "
            "call and SMS logs (.csv)."
        ),
    ],
    incident: Annotated[
        str, typer.Option("--incident", help="Required: the incident the evidence belongs to.")
    ],
    owner: Annotated[
        str | None,
        typer.Option(help="Whose export it is, as the export writes them (name or number)."),
    ] = None,
    tz: Annotated[
        str,
        typer.Option("--tz", help="Time zone of times written without an offset."),
    ] = "Europe/London",
    db: DbOption = None,
    show: Annotated[int, typer.Option(help="How many refusals to print.")] = 50,
) -> None:
    """Store a victim's messages and calls under an incident, each message once. Exits 0 if
    anything was stored (or already was: a second run stores nothing new), 1 if no entry could
    be read, 2 if a file or the incident cannot be used."""
    from threadline.ingest.comms import ReadOptions
    from threadline.ingest.comms.importer import import_comms

    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        errors.print(f"[red]--tz {tz}: no such time zone (e.g. Europe/London)[/red]")
        raise typer.Exit(2) from None
    engine, attachment = _incident(db, incident)
    try:
        report = import_comms(
            engine, files, attachment, options=ReadOptions(timezone=zone, owner=owner)
        )
    except (FileNotFoundError, ValueError) as error:
        errors.print(str(error), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    for rejection in report.rejections[:show]:
        errors.print(str(rejection), markup=False, highlight=False, soft_wrap=True)
    if len(report.rejections) > show:
        errors.print(f"... and {len(report.rejections) - show} more problems")
    console.print(
        f"stored {report.stored}, duplicates {report.duplicates}, refused {report.refused}",
        highlight=False,
    )
    if report.read == 0:
        raise typer.Exit(1)
    _attribute(engine, attachment)


def _incident(db: str | None, incident: str) -> tuple[Engine, str]:
    """The store and the key of ``incident`` in it; exit status 2 if it is not there."""
    from threadline.store.comms import incident_key

    engine = engine_for(db)
    with engine.connect() as conn:
        attachment = incident_key(conn, incident)
    if attachment is None:
        errors.print(f"[red]--incident {incident}: no such incident in the store[/red]")
        raise typer.Exit(2)
    return engine, attachment


def _attribute(engine: Engine, attachment: str) -> None:
    from threadline.resolve.senders import attribute_comms

    outcome = attribute_comms(engine, attachment, datetime.now(UTC))
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(outcome["by_status"].items()))
    console.print(f"senders: {outcome['senders']} ({statuses})", highlight=False)


@app.command("attribute-comms")
def attribute_comms_command(
    incident: Annotated[
        str, typer.Option("--incident", help="Required: the incident the evidence is under.")
    ],
    db: DbOption = None,
) -> None:
    """Attribute each sender of an incident's communications evidence to a person (a number on
    record, named in her report, her export naming him, or his own sentences) or leave it for
    review, and count its contacts (after being told to stop, while an order binds). Run it
    again after re-resolving people. Exits 2 if the incident is not in the store."""
    engine, attachment = _incident(db, incident)
    _attribute(engine, attachment)
