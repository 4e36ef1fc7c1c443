"""Staff accounts: creating users, checking passwords (argon2id), listing and changing them.

Passwords are stored only as argon2id hashes (argon2-cffi's RFC 9106 low-memory profile by
default). A hash made with weaker parameters is upgraded on the next successful sign-in. Each
user has a ``session_stamp`` derived from the stored hash: sessions and API tokens carry it, so
changing a password ends every session issued before.

Usernames are cleaned here, once: trimmed and lower-cased, letters, digits and ``._-``.
Passwords must be at least 12 characters (length, not composition rules, per NCSC guidance).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, Select, bindparam, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from threadline.guard.policy import UserRole
from threadline.store.tables import users

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


@dataclass(frozen=True)
class User:
    """A member of staff as the rest of Threadline sees them (never with the password hash)."""

    id: int
    username: str
    display_name: str
    role: UserRole
    active: bool
    created_at: datetime
    session_stamp: str


class UserError(ValueError):
    """A user could not be created or changed; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class UserExists(UserError):
    """The username is taken."""


def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory: t=3, m=64 MiB, p=4)."""
    return PasswordHasher()


def clean_username(username: str) -> str:
    """``username`` trimmed and lower-cased; :class:`UserError` if it is not a valid name."""
    cleaned = username.strip().lower()
    if not USERNAME_PATTERN.match(cleaned):
        raise UserError(
            "username",
            "use 2-80 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return cleaned


def _check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("password", f"use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError("password", f"use at most {MAX_PASSWORD_LENGTH} characters")
    if password.strip().lower() == username:
        raise UserError("password", "the password may not be the username")


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _user(row: Row[tuple[object, ...]]) -> User:
    m = row._mapping
    return User(
        id=m["id"],
        username=m["username"],
        display_name=m["display_name"],
        role=UserRole(m["role"]),
        active=bool(m["active"]),
        created_at=m["created_at"],
        session_stamp=_stamp(m["password_hash"]),
    )


def create_user(
    engine: Engine,
    username: str,
    display_name: str,
    role: str | UserRole,
    password: str,
    now: datetime,
    *,
    hasher: PasswordHasher | None = None,
) -> User:
    """Create an active user; :class:`UserError` naming the field if any input is unfit."""
    name = clean_username(username)
    shown = display_name.strip()
    if not shown or len(shown) > 120:
        raise UserError("display_name", "give a display name of 1-120 characters")
    try:
        user_role = UserRole(role)
    except ValueError:
        raise UserError(
            "role", f"unknown role {role!r}; one of {', '.join(r.value for r in UserRole)}"
        ) from None
    _check_password(password, name)
    password_hash = (hasher or default_hasher()).hash(password)
    values = {
        "username": name,
        "display_name": shown,
        "role": user_role.value,
        "password_hash": password_hash,
        "active": True,
        "created_at": now,
    }
    try:
        with engine.begin() as conn:
            conn.execute(insert(users).values(values))
            row = conn.execute(select(users).where(users.c.username == name)).one()
    except IntegrityError:
        raise UserExists("username", f"user {name!r} already exists") from None
    return _user(row)


def get_user(engine: Engine, username: str) -> User | None:
    """The user called ``username`` (active or not), or ``None``."""
    name = username.strip().lower()
    with engine.connect() as conn:
        row = conn.execute(_by_username(), {"b_name": name}).first()
    return _user(row) if row else None


@cache
def _by_username() -> Select[Any]:
    return select(users).where(users.c.username == bindparam("b_name"))


def list_users(engine: Engine) -> list[User]:
    """Every user, by username."""
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).all()
    return [_user(row) for row in rows]


def authenticate(
    engine: Engine, username: str, password: str, *, hasher: PasswordHasher | None = None
) -> User | None:
    """The user if ``password`` is theirs and they are active; else ``None``.

    An unknown username costs as much time as a wrong password, so response times do not tell
    which usernames exist. A hash made with outdated parameters is replaced.
    """
    hasher = hasher or default_hasher()
    name = username.strip().lower()
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
    if row is None:
        hasher.hash(password)
        return None
    stored = row._mapping["password_hash"]
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if not row._mapping["active"]:
        return None
    if hasher.check_needs_rehash(stored):
        with engine.begin() as conn:
            conn.execute(
                update(users)
                .where(users.c.id == row._mapping["id"])
                .values(password_hash=hasher.hash(password))
            )
        return get_user(engine, name)
    return _user(row)


def set_password(
    engine: Engine, username: str, password: str, *, hasher: PasswordHasher | None = None
) -> User:
    """Replace a user's password, ending their existing sessions and tokens."""
    name = username.strip().lower()
    _check_password(password, name)
    password_hash = (hasher or default_hasher()).hash(password)
    with engine.begin() as conn:
        done = conn.execute(
            update(users).where(users.c.username == name).values(password_hash=password_hash)
        )
    if done.rowcount != 1:
        raise UserError("username", f"no user {name!r}")
    user = get_user(engine, name)
    assert user is not None
    return user


def set_active(engine: Engine, username: str, active: bool) -> User:
    """Enable or disable a user; a disabled user cannot sign in and their sessions stop working.

    Users are never deleted: the audit log names them and must stay readable.
    """
    name = username.strip().lower()
    with engine.begin() as conn:
        done = conn.execute(update(users).where(users.c.username == name).values(active=active))
    if done.rowcount != 1:
        raise UserError("username", f"no user {name!r}")
    user = get_user(engine, name)
    assert user is not None
    return user
