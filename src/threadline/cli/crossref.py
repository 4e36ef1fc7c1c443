"""Commands for the bigger picture: picture, replay, recognise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from threadline.cli.app import app, console, engine_for, errors, fail, model_for, now, reader_for
from threadline.cli.options import DbOption, ModelOption, PurposeOption, UserOption


@app.command("picture")
def picture_command(
    ref: Annotated[str, typer.Argument(help="Incident reference.")],
    user: UserOption = "",
    purpose: PurposeOption = "",
    db: DbOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print everything the force knows that is linked to one incident.

    As the API's picture: the user's role must allow ``incident.view``, the read is audited
    with the purpose, and what is shown is what the role may see."""
    from threadline.crossref import NotFound, build_picture
    from threadline.crossref.reads import audited_read
    from threadline.guard.disclosure import disclose_picture

    engine = engine_for(db)
    who = reader_for(engine, user, purpose, "incident.view", "picture")
    try:
        picture = audited_read(
            engine,
            who,
            lambda conn: build_picture(conn, ref),
            lambda found: found.audit_records,
            now(),
            lambda found: {"found": True, "linked_records": len(found.linked_record_keys)},
            missing=lambda _: [f"incident-ref:{ref}"],
        )
    except NotFound as error:
        fail(str(error))
    shown = disclose_picture(picture.to_dict(), who.role)
    if json_output:
        typer.echo(json.dumps(shown, indent=2, default=str))
        return
    print_picture(shown)


def print_picture(shown: dict[str, Any]) -> None:
    """An incident picture as :func:`~threadline.guard.disclosure.disclose_picture` left it."""
    i = shown["incident"]
    when = str(i["reported_at"])[:16].replace("T", " ")
    withheld = f"  [{', '.join(i['withheld'])} withheld]" if i.get("withheld") else ""
    console.print(
        Panel(
            escape(
                f"{i['ref']}  {when} UTC  {i['channel']}  {i['category']}  "
                f"{i.get('location') or ''}{withheld}\n{i.get('narrative') or ''}"
            ),
            title="Incident",
        )
    )
    for alert in shown["alerts"]:
        console.print(
            Panel(
                escape(
                    f"{alert['reason']}\n{alert['action'] or ''}\n"
                    f"cites: {', '.join(alert['cited'])}"
                ),
                title=f"[red]{escape(str(alert['rule_id']))}[/red]",
                border_style="red",
            )
        )
    for person in shown["people"]:
        who = f"{person['written_as']} ({person['role']})"
        entity = (
            f"{person['entity_id']} {person['entity_label'] or ''}" if person["entity_id"] else "-"
        )
        resolved = person["resolved_by"] or "unresolved"
        console.print(f"\n{who} → {entity}  [{resolved}]", markup=False, highlight=False)
        for line in person["evidence"][:4]:
            console.print(f"    {line}", markup=False, highlight=False)
        for order in person["orders"]:
            state = "ACTIVE" if order["active"] else "not active"
            console.print(
                f"    {order['label']} {order['ref']} ({order['role']}), "
                f"{order['starts']}–{order['ends'] or 'open'}: {state}",
                style="yellow",
                markup=False,
                highlight=False,
            )
        table = Table("when", "ref", "what", "people", box=None, padding=(0, 1))
        for entry in person["records"][:30]:
            table.add_row(
                str(entry["when"])[:10], entry["ref"], entry["title"], "; ".join(entry["roles"])
            )
        if person["records"]:
            console.print(table)
        if len(person["records"]) > 30:
            console.print(f"    ... and {len(person['records']) - 30} more")
    for link in shown["linked_by_objects"]:
        refs = ", ".join(e["ref"] for e in link["records"][:10])
        more = f" and {link['more']} more" if link["more"] else ""
        console.print(
            f"\n{link['kind']} {link['value']} also in: {refs}{more}",
            style="cyan",
            markup=False,
            highlight=False,
        )


@app.command("replay")
def replay_command(
    files: Annotated[list[Path], typer.Argument(help="Records to replay (JSON Lines or CSV).")],
    db: DbOption = None,
    model: ModelOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="JSON lines of alerts.")] = False,
    default_team: Annotated[
        str | None,
        typer.Option(help="Owner of alerts fired at a report naming no officer."),
    ] = None,
) -> None:
    """Feed records one at a time, in reported order, through the live path; print each alert,
    then per campaign the report at which each alert fired and what was owed from which report
    by whom (docs/actions.md, "Who owes what")."""
    from threadline.crossref.pipeline import CallTimeSettings, Submission
    from threadline.crossref.replay import ownership_report, replay
    from threadline.recognise.ownership import OwnershipLedger
    from threadline.settings import Settings

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

    team = default_team or Settings().alert_default_team
    ledger = OwnershipLedger(team)
    settings = CallTimeSettings(default_team=team)
    report = replay(engine, linkage, files, settings, on_submission=show, ledger=ledger)
    owed = ownership_report(engine, ledger)
    if json_output:
        typer.echo(json.dumps({"ownership": owed}))
    else:
        print_ownership(owed)
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


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _decided(decision: dict[str, Any]) -> str:
    """ ", decided: ..." for a breach alert's arrest decision, as the replay prints it."""
    if decision["arrested"]:
        return f", decided: arrested ({decision['by']})"
    signed = decision["signed_off_by"]
    after = f"signed off by {signed}" if signed else "sign-off owed by a supervisor"
    return f", decided: not arrested ({decision['by']}), {after}"


def print_ownership(owed: dict[str, Any]) -> None:
    """The replay's ownership report: per campaign, each alert and what it was owed."""
    for campaign in owed["campaigns"]:
        console.print(
            f"\ncampaign {' + '.join(campaign['people'])}: owner {campaign['owner_kind']} "
            f"{campaign['owner']}, {len(campaign['reports'])} reports",
            markup=False,
            highlight=False,
        )
        case = campaign.get("case")
        if case:
            number = f" ({ordinal(case['opened_report'])} report)" if case["opened_report"] else ""
            console.print(
                f"  case {case['id']} opened at {case['opened_at']}{number}, officer in the case "
                f"{case['officer'] or 'team ' + str(case['team'])}, {case['status']}, "
                f"{case['incidents']} incidents",
                markup=False,
                highlight=False,
            )
        for alert in campaign["alerts"]:
            owes = "; ".join(
                f"{o['what']} owed from {o['from']} ({ordinal(o['from_report'])}) "
                f"by {o['by_kind']} {o['by']}"
                for o in alert["owed"]
            )
            decided = ""
            if alert["decided"] is not None:
                decided = (
                    _decided(alert["decision"])
                    if alert["decided"]
                    else f", no decision yet: owed by {alert.get('decision_owed_by') or 'NOBODY'}"
                )
            console.print(
                f"  {alert['rule']} fired at {alert['fired_at']} "
                f"({ordinal(alert['fired_report'])} report): {owes}{decided}",
                markup=False,
                highlight=False,
            )
    console.print(
        f"\nbreach alerts without an arrest decision: {owed['breach_alerts_without_decision']} "
        f"(of which nobody owes one: {owed['breach_alerts_without_decision_or_owner']}); "
        f"'not arrested' awaiting a supervisor's sign-off: "
        f"{owed['not_arrested_awaiting_signoff']}; "
        f"alerts without an owner: {owed['alerts_without_owner']}; courses of conduct without "
        f"a case: {owed['courses_of_conduct_without_case']}",
        markup=False,
        highlight=False,
    )


@app.command("recognise")
def recognise_command(db: DbOption = None) -> None:
    """Rebuild every alert by sweeping the store's records in reported order."""
    from threadline.crossref.replay import sweep

    with console.status("Recognising"):
        total = sweep(engine_for(db))
    console.print(f"{total:,} alert changes")
