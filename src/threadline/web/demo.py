"""Demo accounts: one user per role with a fresh random password, for trying the web app."""

from __future__ import annotations

import secrets
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import Engine

from threadline.guard.policy import UserRole
from threadline.guard.users import create_user, get_user, set_active, set_password

DEMO_PREFIX = "demo-"


def demo_username(role: UserRole) -> str:
    """``demo-call-handler`` for the call handler, and so on."""
    return DEMO_PREFIX + role.value.replace("_", "-")


def create_demo_users(
    engine: Engine, now: datetime, *, hasher: PasswordHasher | None = None
) -> list[tuple[str, str, str]]:
    """(username, role, password) of one active demo user per role, in the policy's role order.

    Passwords are new each time (``secrets.token_urlsafe``): a user that exists already gets a
    new password (and is re-enabled), so running this twice leaves one user per role, not two.
    """
    made = []
    for role in UserRole:
        username = demo_username(role)
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
