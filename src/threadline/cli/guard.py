"""Commands for access and audit: users, the audit log's integrity."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from threadline.cli.app import app, console, engine_for, errors, fail, now, settings_for
from threadline.cli.options import DbOption

if TYPE_CHECKING:
    from threadline.guard.audit import AnchorFile

if TYPE_CHECKING:
    from threadline.guard.users import Actor, User

users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


ROLES_HELP = "call_handler, officer, supervisor, analyst, auditor, admin"


def cli_actor() -> Actor:
    """Who the audit log names for a change made at the command line: the operating-system
    account, as an administrator (whoever runs the CLI on the store can change any account)."""
    import getpass

    from threadline.guard.users import Actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(f"cli:{who}"[:80], "admin")


@contextmanager
def _refusing() -> Iterator[None]:
    """A :class:`~threadline.guard.users.UserError` inside is printed and the command exits 1."""
    from threadline.guard.users import UserError

    try:
        yield
    except UserError as error:
        fail(f"{error.field}: {error.message}")


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    db: DbOption = None,
) -> None:
    """Add a user (the password is stored only as an argon2 hash); audited."""
    from threadline.guard.users import create_user

    with _refusing():
        user = create_user(
            engine_for(db), username, name or username, role, password, now(), actor=cli_actor()
        )
    console.print(f"Added {user.username} ({user.role})")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List users and their roles."""
    from threadline.guard.users import list_users

    for user in list_users(engine_for(db)):
        console.print(
            f"{user.username:20} {user.role:14} {'active' if user.active else 'disabled'}"
        )


@users_app.command("disable")
def users_disable(username: str, db: DbOption = None) -> None:
    """Disable a user: they cannot sign in and their sessions and tokens stop now; audited."""
    _set_active(username, False, db)


@users_app.command("enable")
def users_enable(username: str, db: DbOption = None) -> None:
    """Enable a disabled user again; audited."""
    _set_active(username, True, db)


def _change(change: Callable[..., User], username: str, value: Any, db: str | None) -> User:
    """``change`` (``set_active``, ``set_role``, ``set_password`` of
    :mod:`threadline.guard.users`, which audits it) made to ``username`` as :func:`cli_actor`;
    a refusal ends the command (:func:`_refusing`)."""
    with _refusing():
        return change(engine_for(db), username, value, actor=cli_actor(), now=now())


def _set_active(username: str, active: bool, db: str | None) -> None:
    from threadline.guard.users import set_active

    user = _change(set_active, username, active, db)
    console.print(f"{'Enabled' if active else 'Disabled'} {user.username}")


@users_app.command("set-role")
def users_set_role(
    username: str,
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    db: DbOption = None,
) -> None:
    """Give a user another role (from their next request); audited with the old and new role."""
    from threadline.guard.users import set_role

    user = _change(set_role, username, role, db)
    console.print(f"{user.username} is now {user.role}")


@users_app.command("reset-password")
def users_reset_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    db: DbOption = None,
) -> None:
    """Set a new password: ends the user's sessions and tokens and clears a lockout; audited."""
    from threadline.guard.users import set_password

    user = _change(set_password, username, password, db)
    console.print(f"New password set for {user.username}; their sessions have ended")


def _anchor_file(to: Path | None, db: str | None) -> AnchorFile | None:
    from threadline.guard.audit import AnchorFile

    settings = settings_for(db)
    path = to or settings.audit_anchor_path
    return AnchorFile(path, settings.audit_anchor_every) if path else None


@audit_app.command("verify")
def audit_verify(
    head_file: Annotated[
        Path | None,
        typer.Option(
            "--head",
            help="A head saved earlier (threadline audit head > FILE) or an anchor file: "
            "the log must still hold each anchored row with the same hash.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Recompute the audit log's hash chain; fail naming the first row that does not match.

    Checked also against the anchors of THREADLINE_AUDIT_ANCHOR_PATH, if set, and of --head:
    a log cut, emptied or re-chained since they were noted fails."""
    from threadline.guard.audit import AnchorError, load_anchors, verify

    anchors = []
    try:
        configured = _anchor_file(None, db)
        if configured is not None:
            anchors += load_anchors(configured.path)
        if head_file is not None:
            if not head_file.is_file():
                raise AnchorError(f"no such file {head_file}")
            anchors += load_anchors(head_file)
    except AnchorError as error:
        errors.print(f"[red]head: {error}[/red]")
        raise typer.Exit(2) from None
    result = verify(engine_for(db), anchors)
    if not result.ok:
        fail(str(result.reason))
    against = f", against {result.anchors_checked} anchor(s)" if result.anchors_checked else ""
    console.print(f"audit log intact: {result.rows_checked:,} rows checked{against}")


@audit_app.command("head")
def audit_head(db: DbOption = None) -> None:
    """Print the log's head as one line of JSON (row count, last row's hash and time): save it
    outside the database (threadline audit head > FILE) and verify with --head FILE later."""
    from threadline.guard.audit import GENESIS_HASH, Anchor, head

    anchor = head(engine_for(db)) or Anchor(0, GENESIS_HASH)
    typer.echo(anchor.to_json())


@audit_app.command("anchor")
def audit_anchor(
    to: Annotated[
        Path | None,
        typer.Option(help="The anchor file (default: THREADLINE_AUDIT_ANCHOR_PATH)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Append the log's head to the anchor file (run it from cron; keep the file elsewhere)."""
    from threadline.guard.audit import write_anchor

    anchors = _anchor_file(to, db)
    if anchors is None:
        errors.print("[red]to: give --to FILE or set THREADLINE_AUDIT_ANCHOR_PATH[/red]")
        raise typer.Exit(2)
    noted = write_anchor(engine_for(db), anchors)
    if noted is None:
        console.print("the audit log is empty: nothing to anchor")
        return
    console.print(f"anchored {noted.rows:,} rows in {anchors.path}")
