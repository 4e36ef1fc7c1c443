"""Demo accounts: one user per role with a random password, for trying the web app."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import Engine

from threadline.guard.policy import UserRole
from threadline.guard.users import (
    SignInLocked,
    authenticate,
    create_user,
    get_user,
    set_active,
    set_password,
)

DEMO_PREFIX = "demo-"


def demo_username(role: UserRole) -> str:
    """``demo-call-handler`` for the call handler, and so on."""
    return DEMO_PREFIX + role.value.replace("_", "-")


def create_demo_users(
    engine: Engine,
    now: datetime,
    *,
    hasher: PasswordHasher | None = None,
    keep: Mapping[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """(username, role, password) of one active demo user per role, in the policy's role order.

    A password in ``keep`` (username to password, as an earlier run printed them) that still
    signs its user in is kept, so a second ``make demo`` does not lock out the first one's
    browser. Any other password is new (``secrets.token_urlsafe``): a user that exists already
    gets a new password (and is re-enabled), so running this twice leaves one user per role,
    not two.
    """
    keep = keep or {}
    made = []
    for role in UserRole:
        username = demo_username(role)
        kept = keep.get(username)
        if kept is not None and _signs_in(engine, username, kept, hasher):
            set_active(engine, username, True)
            made.append((username, role.value, kept))
            continue
        password = secrets.token_urlsafe(16)
        if get_user(engine, username) is None:
            create_user(
                engine,
                username,
                f"Demo {role.value.replace('_', ' ')}",
                role,
                password,
                now,
                hasher=hasher,
            )
        else:
            set_password(engine, username, password, hasher=hasher)
            set_active(engine, username, True)
        made.append((username, role.value, password))
    return made


def _signs_in(engine: Engine, username: str, password: str, hasher: PasswordHasher | None) -> bool:
    """Whether ``password`` is still the user's (a disabled user's counts: it is re-enabled)."""
    if get_user(engine, username) is None:
        return False
    set_active(engine, username, True)
    try:
        return authenticate(engine, username, password, hasher=hasher) is not None
    except SignInLocked:
        return False
