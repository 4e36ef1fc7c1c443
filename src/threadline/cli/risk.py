"""Commands for risk work: the MARAC referral list and the risk assessments owed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from threadline.cli.app import app, audited_list, console, errors, now
from threadline.cli.options import DbOption, PurposeOption, UserOption


@app.command("marac")
def marac_command(
    user: UserOption = "",
    purpose: PurposeOption = "",
    db: DbOption = None,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", help="Write the list to this CSV file instead of printing it."),
    ] = None,
) -> None:
    """Print the MARAC referral list: each victim meeting a criterion, which, and why.

    As the API's list: the user's role must allow ``marac.view``, the read is audited with the
    purpose, and an officer's free-text judgement (which may say where the victim lives) is
    withheld from a role that may not see contact details."""
    from threadline.crossref.marac import referral_list, referrals_csv
    from threadline.guard.disclosure import may_see_contact

    found, who = audited_list(
        db,
        user,
        purpose,
        "marac.view",
        "marac",
        referral_list,
        lambda listed: [f"person:{r.victim}" for r in listed],
        lambda listed: {"referrals": len(listed), "format": "csv" if csv_path else "table"},
        now(),
    )
    referrals = found if may_see_contact(who.role) else [r.without_free_text() for r in found]
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
def owed_command(
    user: UserOption = "",
    purpose: PurposeOption = "",
    db: DbOption = None,
) -> None:
    """Print the risk assessments owed now (DASH, S-DASH, safety plans): incident, officer, why.

    As on the dashboard, where the API shows them: the user's role must allow
    ``dashboard.view`` and the read is audited with the purpose (it names victims' incidents).
    Nothing in it locates anyone: incident, officer, due time and the rule's reason."""
    from threadline.crossref.risk import owed

    found, _ = audited_list(
        db,
        user,
        purpose,
        "dashboard.view",
        "owed",
        owed,
        lambda listed: sorted({f"person:{o.victim_entity}" for o in listed if o.victim_entity}),
        lambda listed: {"owed": len(listed)},
        now(),
    )
    if not found:
        console.print("No risk assessments owed.")
        return
    table = Table("owed", "incident", "officer", "due", "reason", show_lines=True)
    for o in found:
        due = f"{o.due_at:%Y-%m-%d %H:%M}" if o.due_at else "-"
        table.add_row(o.rule_id, o.incident_ref, o.officer or "-", due, o.reason)
    console.print(table)
    console.print(f"{len(found):,} risk assessments owed")
