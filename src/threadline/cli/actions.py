"""Commands for acting on alerts (``threadline alert ...``) and the supervisor's report.

Each step names the member of staff taking it (``--as``, a user of the store: their role decides
what they may do, as on the web) and the purpose; it is stored with its audit row.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from threadline.cli.app import app, console, engine_for, fail, now, settings_for, step_auditor
from threadline.cli.options import DbOption, JsonOption
from threadline.cli.steps import STAFF_STEP, Given, option, step_commands

if TYPE_CHECKING:
    from threadline.recognise.actions import Step

alert_app = typer.Typer(
    help="Act on an alert: assign, acknowledge, act, decide, sign off, close, reopen.",
    no_args_is_help=True,
)
app.add_typer(alert_app, name="alert")


def _take(
    key: str, step: Step, given: Given, *, as_user: str, purpose: str, db: str | None
) -> None:
    """The step through the use case the API and the pages call
    (:func:`threadline.usecases.actions.take_alert_step`): checked, stored and audited the
    same way."""
    from threadline.usecases.actions import take_alert_step
    from threadline.usecases.errors import Refused

    engine = engine_for(db)
    auditor = step_auditor(engine, as_user, f"alert {step}", purpose=purpose)
    settings = settings_for(db)
    try:
        view = take_alert_step(
            engine,
            auditor,
            key,
            step,
            now(),
            settings.not_arrested_signoff_hours,
            purpose.strip(),
            **given,
        )
    except Refused as refused:
        fail(f"{refused.field or 'refused'}: {refused.message}")
    actions = view["actions"]
    console.print(f"{key}: {step} recorded; now {actions['status']}")


def _at(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{name}: not an ISO 8601 time: {value!r}")
    if when.tzinfo is None:
        fail(f"{name}: give the time zone (2026-12-06T09:00+00:00)")
    return when


@alert_app.command("show")
def alert_show(key: str, db: DbOption = None) -> None:
    """Print an alert with every step taken on it, its owner, decision and sign-off (JSON)."""
    from threadline.crossref.actions import AlertNotFound, show_alert

    try:
        view = show_alert(engine_for(db), key, now(), settings_for(db).not_arrested_signoff_hours)
    except AlertNotFound as missing:
        fail(str(missing))
    console.print_json(json.dumps(view, default=str))


_steps = step_commands(alert_app, option("key", str), STAFF_STEP, _take)


@_steps("assign")
def alert_assign(
    to: Annotated[str, typer.Option("--to", help="The officer or team.")],
    kind: Annotated[str, typer.Option(help="officer or team")] = "officer",
    team: Annotated[str | None, typer.Option(help="The officer's team.")] = None,
    due_hours: Annotated[
        float | None, typer.Option(help="Hours from now the action is due.")
    ] = None,
) -> Given:
    """Assign an alert to an officer or a team; audited."""
    given: Given = {"assignee": to, "kind": kind, "team": team}
    if due_hours is not None:
        given["due_at"] = now() + timedelta(hours=due_hours)
    return given


@_steps("ack", "acknowledge")
def alert_ack() -> Given:
    """Acknowledge an alert assigned to you; audited."""
    return {}


@_steps("act")
def alert_act(note: Annotated[str, typer.Option(help="What was done.")]) -> Given:
    """Record an action taken on an alert you own; audited."""
    return {"note": note}


@_steps("decide")
def alert_decide(
    arrested: Annotated[bool, typer.Option("--arrested/--not-arrested", help="The decision.")],
    at: Annotated[str | None, typer.Option(help="When arrested (ISO 8601 with zone).")] = None,
    by: Annotated[str | None, typer.Option(help="Who arrested.")] = None,
    ground: Annotated[
        list[str] | None, typer.Option(help="A PACE s24(5) ground (a, b, c_i..c_v, d, e, f).")
    ] = None,
    rationale: Annotated[
        str | None, typer.Option(help="Not arrested: why no s24(5) ground made it necessary.")
    ] = None,
) -> Given:
    """Record the arrest decision on a breach alert; a 'not arrested' needs sign-off; audited."""
    return {
        "arrested": arrested,
        "arrested_at": _at(at, "at"),
        "arrested_by": by,
        "grounds": ground or [],
        "rationale": rationale,
    }


@_steps("signoff")
def alert_signoff(
    approve: Annotated[bool, typer.Option("--approve/--overturn", help="Sign off or overturn.")],
    note: Annotated[str | None, typer.Option(help="Why (needed to overturn).")] = None,
) -> Given:
    """Sign off or overturn a 'not arrested' decision (a supervisor, not its maker); audited."""
    return {"approve": approve, "note": note}


@_steps("close")
def alert_close(
    outcome: Annotated[str, typer.Option(help="How it ended (arrest_made, crime_recorded...).")],
    reason: Annotated[str, typer.Option(help="Why it can close.")],
) -> Given:
    """Close an alert with an outcome and a reason; audited."""
    return {"outcome": outcome, "reason": reason}


@_steps("reopen")
def alert_reopen(reason: Annotated[str, typer.Option(help="Why it reopens.")]) -> Given:
    """Reopen a closed alert; audited."""
    return {"reason": reason}


def _day_or_time(value: str | None, name: str) -> datetime | None:
    """A bound of the period: a day (midnight UTC) or a time with its zone."""
    if value is None:
        return None
    if len(value) == 10:
        value = f"{value}T00:00+00:00"
    return _at(value, name)


@app.command("accountability")
def accountability_command(
    team: Annotated[str | None, typer.Option(help="One team (default: every team).")] = None,
    since: Annotated[
        str | None, typer.Option(help="From this day or time (alerts raised, calls reported).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Up to (not including) this day or time.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The supervisor's report: breaches without an arrest decision, 'not arrested' without
    sign-off (escalated once late), actions past due, DASH owed by officer, calls without the
    research check."""
    from rich.table import Table
    from rich.text import Text

    from threadline.crossref.accountability import accountability

    report = accountability(
        engine_for(db),
        now(),
        settings_for(db).not_arrested_signoff_hours,
        team=team,
        since=_day_or_time(since, "since"),
        until=_day_or_time(until, "until"),
    )
    if as_json:
        console.print_json(json.dumps(report.to_dict()))
        return
    sections = (
        ("Breach alerts without an arrest decision", report.breaches_without_decision),
        ("'Not arrested' without a supervisor's sign-off", report.not_arrested_unsigned),
        ("Actions past their due time", report.past_due),
    )
    for title, items in sections:
        table = Table("alert", "incident", "team", "owner", "owed", "since / due", title=title)
        for item in items:
            when = f"{item.when:%Y-%m-%d %H:%M}" if item.when else "-"
            cells = (
                item.alert_key,
                item.incident_ref,
                item.team,
                item.owner or "-",
                item.owed + (" [ESCALATED]" if item.escalated else ""),
                when,
            )
            table.add_row(*(Text(cell) for cell in cells))  # as written: no markup, no emoji
        console.print(table if items else f"{title}: none")
    if team is None:
        owed = ", ".join(f"{k}: {v}" for k, v in report.dash_owed_by_officer.items()) or "none"
        console.print(f"DASH owed by officer: {owed}")
    console.print(f"Calls with linked history and no research check: {len(report.unresearched)}")
