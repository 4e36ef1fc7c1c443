"""Commands for access and audit: users, the audit log's integrity."""

from __future__ import annotations

from typing import Annotated

import typer

from threadline.cli.app import DbOption, app, console, engine_for, errors, now

users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[
        str, typer.Option(help="call_handler, officer, supervisor, analyst, auditor, admin")
    ],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    db: DbOption = None,
) -> None:
    """Add a user (the password is stored only as an argon2 hash)."""
    from threadline.guard.users import UserError, create_user

    try:
        user = create_user(engine_for(db), username, name or username, role, password, now())
    except UserError as error:
        errors.print(f"[red]{error.field}: {error.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Added {user.username} ({user.role})")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List users and their roles."""
    from threadline.guard.users import list_users

    for user in list_users(engine_for(db)):
        console.print(
            f"{user.username:20} {user.role:14} {'active' if user.active else 'disabled'}"
        )


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
