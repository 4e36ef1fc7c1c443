"""The options the commands share: the store, who reads and why, the model, who takes a step."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: THREADLINE_DATABASE_URL or sqlite:///var/threadline.db).",
    ),
]
UserOption = Annotated[
    str,
    typer.Option(
        "--user",
        help="Required: who is reading (an active user in the store); their role "
        "decides whether they may and what they see.",
    ),
]
PurposeOption = Annotated[
    str,
    typer.Option(
        "--purpose",
        help="Required: why (3 to 500 characters, e.g. an incident reference); "
        "written to the audit log with the read.",
    ),
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Linkage model JSON (default: THREADLINE_MODEL_PATH)."),
]
#: Who takes a step on an alert or a MARAC referral (a user of the store).
AsOption = Annotated[
    str, typer.Option("--as", help="The user taking the step (their role decides what they may).")
]
#: Why a step is taken.
StepPurposeOption = Annotated[
    str, typer.Option("--purpose", help="Why (an incident reference, say); kept in the audit log.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
