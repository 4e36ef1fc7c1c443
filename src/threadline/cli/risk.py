"""Commands for risk work: the MARAC referral list and the risk assessments owed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from threadline.cli.app import DbOption, app, console, engine_for, errors, now


@app.command("marac")
def marac_command(
    db: DbOption = None,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", help="Write the list to this CSV file instead of printing it."),
    ] = None,
) -> None:
    """Print the MARAC referral list: each victim meeting a criterion, which, and why."""
    from threadline.crossref.marac import referral_list, referrals_csv

    referrals = referral_list(engine_for(db), now())
    if csv_path is not None:
        with csv_path.open("w", newline="", encoding="utf-8") as out:
            count = referrals_csv(referrals, out)
        errors.print(f"{count:,} referrals written to {csv_path}")
        return
    if not referrals:
        console.print("No victim meets a MARAC referral criterion.")
        return
    table = Table("victim", "criteria met", "why", "incident", "officer", show_lines=True)
    for r in referrals:
        table.add_row(
            r.named,
            "\n".join(r.met),
            "\n".join([*r.reasons, *r.notes]),
            r.incident_ref,
            r.officer or "-",
        )
    console.print(table)
    console.print(f"{len(referrals):,} victims to consider for MARAC referral")


@app.command("owed")
def owed_command(db: DbOption = None) -> None:
    """Print the risk assessments owed now (DASH, S-DASH, safety plans): incident, officer, why."""
    from threadline.crossref.risk import owed

    found = owed(engine_for(db), now())
    if not found:
        console.print("No risk assessments owed.")
        return
    table = Table("owed", "incident", "officer", "due", "reason", show_lines=True)
    for o in found:
        due = f"{o.due_at:%Y-%m-%d %H:%M}" if o.due_at else "-"
        table.add_row(o.rule_id, o.incident_ref, o.officer or "-", due, o.reason)
    console.print(table)
    console.print(f"{len(found):,} risk assessments owed")
