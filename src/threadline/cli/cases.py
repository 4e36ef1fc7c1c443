"""Commands for cases (``threadline case ...``): one investigation for one course of conduct.

Each names the member of staff (``--user``, a user of the store: their role decides what they
may do, as on the web) and the purpose; reads and steps are audited, through the same use case
as the API and the pages (:mod:`threadline.usecases.cases`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from threadline.cli.app import app, console, engine_for, errors, now, reader_for, say
from threadline.cli.options import DbOption, JsonOption, PurposeOption, UserOption
from threadline.cli.steps import Given, option, step_commands

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from threadline.recognise.cases import CaseStep
    from threadline.usecases.auditor import Auditor

case_app = typer.Typer(
    help="Cases: list, show, assign the officer in the case, note, close, reopen; notifications.",
    no_args_is_help=True,
)
app.add_typer(case_app, name="case")


def _auditor(engine: Engine, user: str, purpose: str, action: str, command: str) -> Auditor:
    from threadline.usecases.auditor import Auditor

    who = reader_for(engine, user, purpose, action, command)
    return Auditor(engine, who.user, now)


def _refused(error: Exception) -> typer.Exit:
    from threadline.usecases.errors import Refused

    if isinstance(error, Refused):
        field = f"{error.field}: " if error.field else ""
        errors.print(f"refused: {field}{error.message}", style="red", markup=False)
        return typer.Exit(1)
    raise error


def _print_case(view: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(view, default=str))
        return
    holder = view["officer"] or f"team {view['team']}"
    say(
        f"case {view['id']} ({view['status']}): {view['suspect_label']} against "
        f"{view['victim_label']}; officer in the case {holder}; opened at {view['opened_on']}"
    )
    for item in view.get("incidents", []):
        say(
            f"  {item['incident_ref']} {item.get('category') or ''} (joined at {item['joined_on']})"
        )
    for step in view.get("steps", []):
        detail = step["detail"]
        words = detail.get("note") or detail.get("reason") or detail.get("officer") or ""
        say(f"  {step['at']} {step['step']} by {step['by']} ({step['role']}) {words}")
    for breach in view.get("breaches", []):
        state = "decided" if breach["decided"] else "ARREST DECISION OWED"
        console.print(f"  breach {breach['incident_ref']}: {state}", markup=False)


@case_app.command("list")
def case_list(
    user: UserOption = "",
    purpose: PurposeOption = "",
    mine: Annotated[bool, typer.Option(help="Only the cases you are the officer in.")] = False,
    officer: Annotated[str | None, typer.Option(help="Only this officer's cases.")] = None,
    status: Annotated[str | None, typer.Option(help="open or closed")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List cases, newest first: their people, officer in the case, status and size."""
    from threadline.usecases.cases import find_cases

    engine = engine_for(db)
    auditor = _auditor(engine, user, purpose, "case.view", "case list")
    found = find_cases(engine, auditor, purpose.strip(), officer=officer, mine=mine, status=status)
    if as_json:
        typer.echo(json.dumps({"cases": found}, default=str))
        return
    for case in found:
        holder = case["officer"] or f"team {case['team']}"
        say(
            f"case {case['id']} ({case['status']}): {case['suspect_label']} against "
            f"{case['victim_label']}, {case['incident_count']} incidents, officer {holder}, "
            f"{case['decisions_owed']} arrest decisions owed"
        )


@case_app.command("show")
def case_show(
    case_id: int,
    user: UserOption = "",
    purpose: PurposeOption = "",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """A case: its incidents, officer, every step and the arrest decisions owed on it."""
    from threadline.usecases.cases import view_case
    from threadline.usecases.errors import Refused

    engine = engine_for(db)
    auditor = _auditor(engine, user, purpose, "case.view", "case show")
    try:
        view = view_case(engine, auditor, case_id, purpose.strip())
    except Refused as error:
        raise _refused(error) from None
    _print_case(view, as_json)


def _take(
    case_id: int, step: CaseStep, given: Given, *, user: str, purpose: str, db: str | None
) -> None:
    from threadline.usecases.cases import take_case_step_as
    from threadline.usecases.errors import Refused

    engine = engine_for(db)
    auditor = _auditor(engine, user, purpose, f"case.{step}", f"case {step}")
    try:
        view = take_case_step_as(engine, auditor, case_id, step, now(), purpose.strip(), **given)
    except Refused as error:
        raise _refused(error) from None
    console.print(f"case {case_id}: {step} recorded; now {view['status']}", markup=False)


#: Who takes a step on a case, why, and in which store (as for every read of a case).
_CASE_STEP = (
    option("user", UserOption, ""),
    option("purpose", PurposeOption, ""),
    option("db", DbOption, None),
)
_steps = step_commands(case_app, option("case_id", int), _CASE_STEP, _take)


@_steps("assign")
def case_assign(
    officer: Annotated[str, typer.Option(help="The officer in the case.")],
    team: Annotated[str | None, typer.Option(help="Their team.")] = None,
) -> Given:
    """Make an officer the officer in the case (a supervisor); they are told; audited."""
    return {"officer": officer, **({"team": team} if team else {})}


@_steps("note")
def case_note(note: Annotated[str, typer.Option(help="What was done.")]) -> Given:
    """Record what was done on a case; audited."""
    return {"note": note}


@_steps("close")
def case_close(reason: Annotated[str, typer.Option(help="Why it is closed.")]) -> Given:
    """Close a case (the officer in the case or a supervisor), not while a breach in it is
    owed its arrest decision; audited."""
    return {"reason": reason}


@_steps("reopen")
def case_reopen(reason: Annotated[str, typer.Option(help="Why it is reopened.")]) -> Given:
    """Reopen a closed case; audited."""
    return {"reason": reason}


@case_app.command("notifications")
def case_notifications(
    user: UserOption = "",
    unread: Annotated[bool, typer.Option(help="Only those not yet read.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What you were told: a case opened with you as its officer, an incident joined it."""
    from threadline.usecases.cases import my_notifications

    engine = engine_for(db)
    who = reader_for(engine, user, "own notifications", "notifications.view", "notifications")
    found = my_notifications(engine, who.user, unread=unread)
    if as_json:
        typer.echo(json.dumps({"notifications": found}, default=str))
        return
    for item in found:
        mark = "" if item["read_at"] else "* "
        console.print(f"{mark}{item['at']} case {item['case_id']}: {item['message']}", markup=False)
