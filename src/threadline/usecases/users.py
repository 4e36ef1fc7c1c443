"""An administrator's change to an account, written once below the route.

Each change is made by :mod:`threadline.guard.users` with the administrator as the ``actor``,
which audits it and holds the account rule (an administrator may not disable their own account
or change their own role), so the route and the command line keep the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import Engine

from threadline.guard.policy import UserRole
from threadline.guard.users import Actor, User, get_user, set_active, set_password, set_role
from threadline.usecases.errors import NotFound


@dataclass(frozen=True)
class AccountChange:
    """What to change on an account; ``None`` leaves it as it is. The password is as typed."""

    active: bool | None = None
    role: UserRole | None = None
    password: str | None = None


def change_account(
    engine: Engine,
    hasher: PasswordHasher,
    admin: User,
    username: str,
    change: AccountChange,
    now: datetime,
) -> User:
    """``change`` made to ``username`` by ``admin``, each part audited, and the account after it.

    :class:`NotFound` for an unknown account; a part that would change nothing is not made (and
    leaves no audit row); :class:`~threadline.guard.users.UserError`, naming the field, for a
    change the account rule or the password rule refuses."""
    target = get_user(engine, username)
    if target is None:
        raise NotFound(f"no user {username.strip().lower()!r}", "username")
    actor = Actor.of(admin)
    if change.active is not None and change.active != target.active:
        target = set_active(engine, target.username, change.active, actor=actor, now=now)
    if change.role is not None and change.role != target.role:
        target = set_role(engine, target.username, change.role, actor=actor, now=now)
    if change.password is not None:
        target = set_password(
            engine, target.username, change.password, hasher=hasher, actor=actor, now=now
        )
    return target
