"""``threadline marac-referral ...``: make a MARAC referral and follow it to the end.

Each step names the member of staff taking it (``--as``, a user of the store: their role decides
what they may do, as on the web) and the purpose; it goes through the same use case as the API
(:mod:`threadline.usecases.marac`), so it is checked, stored and audited the same way.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from threadline.cli.app import app, console, engine_for, fail, now, reader_for, step_auditor
from threadline.cli.options import AsOption, DbOption, StepPurposeOption
from threadline.cli.steps import STAFF_STEP, Given, option, step_commands

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from threadline.risk.referral_steps import ReferralStep
    from threadline.usecases.auditor import Auditor

marac_app = typer.Typer(
    help="A MARAC referral from made to heard to its actions: make, hear, action, complete, "
    "close, show, list.",
    no_args_is_help=True,
)
app.add_typer(marac_app, name="marac-referral")


def _take(
    ref: str | None, step: ReferralStep, given: Given, *, as_user: str, purpose: str, db: str | None
) -> None:
    from threadline.usecases.errors import Refused
    from threadline.usecases.marac import take_marac_step

    engine = engine_for(db)
    auditor = step_auditor(engine, as_user, f"marac-referral {step}", purpose=purpose)
    try:
        view = take_marac_step(engine, auditor, ref, step, now(), purpose.strip(), **given)
    except Refused as refused:
        fail(f"{refused.field or 'refused'}: {refused.message}")
    console.print(f"{view['ref']}: {step} recorded; now {view['status']}")


@marac_app.command("make")
def marac_make(
    victim: Annotated[str, typer.Argument(help="The person's entity id.")],
    criterion: Annotated[
        list[str],
        typer.Option(
            help="A criterion it rests on: visible_high_risk, professional_judgement, "
            "potential_escalation, repeat_referral."
        ),
    ],  # fmt: skip
    reason: Annotated[str, typer.Option(help="Why the referral is made.")],
    as_user: AsOption,
    purpose: StepPurposeOption,
    alert: Annotated[str | None, typer.Option(help="The alert that prompted it.")] = None,
    db: DbOption = None,
) -> None:
    """Make a MARAC referral for a person; prints its reference; audited."""
    given: Given = {"victim": victim, "criteria": criterion, "reason": reason}
    if alert:
        given["alert_key"] = alert
    _take(None, "refer", given, as_user=as_user, purpose=purpose, db=db)


_steps = step_commands(marac_app, option("ref", str), STAFF_STEP, _take)


@_steps("hear")
def marac_hear(
    on: Annotated[str, typer.Option("--on", help="The day the MARAC heard it (YYYY-MM-DD).")],
    meeting: Annotated[str | None, typer.Option(help="Which MARAC.")] = None,
) -> Given:
    """Record that the MARAC heard a referral (a supervisor); audited."""
    return {"heard_on": on, "meeting": meeting}


@_steps("action")
def marac_action(
    text: Annotated[str, typer.Option(help="The action agreed.")],
    owner: Annotated[str, typer.Option(help="The agency that owns it.")],
    due: Annotated[str | None, typer.Option(help="By when (YYYY-MM-DD).")] = None,
) -> Given:
    """Record an action agreed at the MARAC (a supervisor); audited."""
    return {"text": text, "owner": owner, "due": due}


@_steps("complete")
def marac_complete(
    number: Annotated[int, typer.Argument(help="The action's number.")],
    note: Annotated[str, typer.Option(help="What was done.")],
) -> Given:
    """Record an agreed action done; audited."""
    return {"number": number, "note": note}


@_steps("close")
def marac_close(
    reason: Annotated[str, typer.Option(help="Why the case leaves the MARAC.")],
) -> Given:
    """Close a referral once every agreed action is done (a supervisor); audited."""
    return {"reason": reason}


def _read(db: str | None, username: str, purpose: str) -> tuple[Engine, Auditor]:
    """The store and the checked reader (``marac.referrals``; a refusal is audited)."""
    from threadline.usecases.auditor import Auditor

    engine = engine_for(db)
    who = reader_for(engine, username, purpose, "marac.referrals", "marac-referral")
    return engine, Auditor(engine, who.user, now)


@marac_app.command("show")
def marac_show(
    ref: str, as_user: AsOption, purpose: StepPurposeOption, db: DbOption = None
) -> None:
    """Print a referral with every step, its hearing and its actions (JSON); audited."""
    from threadline.usecases.errors import Refused
    from threadline.usecases.marac import referral

    engine, auditor = _read(db, as_user, purpose)
    try:
        view = referral(engine, auditor, ref, now(), purpose.strip())
    except Refused as refused:
        fail(str(refused.message))
    console.print_json(json.dumps(view, default=str))


@marac_app.command("list")
def marac_list(
    victim: Annotated[str, typer.Argument(help="The person's entity id.")],
    as_user: AsOption,
    purpose: StepPurposeOption,
    db: DbOption = None,
) -> None:
    """Print a person's MARAC referrals: made, heard, actions open; audited."""
    from threadline.usecases.marac import person_referrals

    engine, auditor = _read(db, as_user, purpose)
    found = person_referrals(engine, auditor, victim, now(), purpose.strip())
    if not found:
        console.print(f"No MARAC referral of {victim}.")
        return
    for r in found:
        heard = f"heard {r['heard_on']}" if r["heard_on"] else "not heard yet"
        console.print(
            f"{r['ref']} {r['status']}: made {r['made_at'][:10]} by {r['made_by']}, {heard}, "
            f"{r['open_actions']} of {len(r['actions'])} actions open"
        )
