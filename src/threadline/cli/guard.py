"""Commands for access and audit: users, the audit log's integrity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from threadline.cli.app import DbOption, app, console, engine_for, errors, now

if TYPE_CHECKING:
    from threadline.guard.users import Actor, UserError

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


def _refused(error: UserError) -> typer.Exit:
    errors.print(f"[red]{error.field}: {error.message}[/red]")
    return typer.Exit(1)


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    db: DbOption = None,
) -> None:
    """Add a user (the password is stored only as an argon2 hash); audited."""
    from threadline.guard.users import UserError, create_user

    try:
        user = create_user(
            engine_for(db), username, name or username, role, password, now(), actor=cli_actor()
        )
    except UserError as error:
        raise _refused(error) from None
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
    from threadline.guard.users import UserError, set_active

    try:
        user = set_active(engine_for(db), username, False, actor=cli_actor(), now=now())
    except UserError as error:
        raise _refused(error) from None
    console.print(f"Disabled {user.username}")


@users_app.command("enable")
def users_enable(username: str, db: DbOption = None) -> None:
    """Enable a disabled user again; audited."""
    from threadline.guard.users import UserError, set_active

    try:
        user = set_active(engine_for(db), username, True, actor=cli_actor(), now=now())
    except UserError as error:
        raise _refused(error) from None
    console.print(f"Enabled {user.username}")


@users_app.command("set-role")
def users_set_role(
    username: str,
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    db: DbOption = None,
) -> None:
    """Give a user another role (from their next request); audited with the old and new role."""
    from threadline.guard.users import UserError, set_role

    try:
        user = set_role(engine_for(db), username, role, actor=cli_actor(), now=now())
    except UserError as error:
        raise _refused(error) from None
    console.print(f"{user.username} is now {user.role}")


@users_app.command("reset-password")
def users_reset_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    db: DbOption = None,
) -> None:
    """Set a new password: ends the user's sessions and tokens and clears a lockout; audited."""
    from threadline.guard.users import UserError, set_password

    try:
        user = set_password(engine_for(db), username, password, actor=cli_actor(), now=now())
    except UserError as error:
        raise _refused(error) from None
    console.print(f"New password set for {user.username}; their sessions have ended")


@audit_app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Recompute the audit log's hash chain; fail naming the first row that does not match."""
    from threadline.guard.audit import verify

    result = verify(engine_for(db))
    if not result.ok:
        errors.print(f"[red]{result.reason}[/red]")
        raise typer.Exit(1)
    console.print(f"audit log intact: {result.rows_checked:,} rows checked")


@audit_app.command("head")
def audit_head(db: DbOption = None) -> None:
    """Print the last row's id and hash, to keep outside the database (detects truncation)."""
    from threadline.guard.audit import head

    anchor = head(engine_for(db))
    console.print(anchor)
