"""Staff accounts: creating users, checking passwords (argon2id), listing and changing them.

Passwords are stored only as argon2id hashes, with OWASP's parameters for argon2id (19 MiB,
two passes, one lane): each check holds 19 MiB, so the server's memory under a flood of sign-ins
is bounded by how many checks run at once (the API runs at most ``hash_slots``). A hash made
with other parameters is replaced on the next successful sign-in. Each user has a
``session_stamp`` derived from the stored hash and their ``session_generation``: sessions and
API tokens carry it, so changing a password, or signing out (:func:`end_sessions`), ends every
session and token issued before.

One trimming rule for every way in: a username is trimmed and lower-cased (letters, digits and
``._-``); a password is used exactly as typed, never trimmed. Passwords must pass
:func:`threadline.guard.passwords.password_problem` (12 characters and not common or guessable).
Five failed sign-ins in 15 minutes lock the name (:mod:`threadline.guard.lockout`).

The administrator's changes (:func:`create_user`, :func:`set_password`, :func:`set_active`,
:func:`set_role`), given the ``actor`` making them, write their audit row in the same transaction.
An administrator may not disable their own account or change their own role (another
administrator must): :func:`set_active` and :func:`set_role` refuse the ``actor``'s own account.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, Select, bindparam, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from threadline.guard import audit, lockout
from threadline.guard.passwords import password_problem
from threadline.guard.policy import UserRole
from threadline.store import reading, writing
from threadline.store.tables import users

#: OWASP's argon2id parameters (Password Storage Cheat Sheet): m=19 MiB, t=2, p=1
HASH_MEMORY_KIB = 19 * 1024
HASH_TIME_COST = 2
HASH_PARALLELISM = 1
#: the audit action of every change to an account
MANAGE = "users.manage"
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


class SignInLocked(Exception):
    """Too many failed sign-ins for this name: none is checked until ``until``."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"locked until {until.isoformat()}")


@dataclass(frozen=True)
class Actor:
    """Who makes a change to an account, as the audit log names them."""

    username: str
    role: str

    @classmethod
    def of(cls, user: User) -> Actor:
        """The signed-in ``user`` as the actor of their changes."""
        return cls(user.username, user.role.value)


def default_hasher() -> PasswordHasher:
    """argon2id with OWASP's parameters (19 MiB, t=2, p=1): see the module docstring."""
    return PasswordHasher(
        time_cost=HASH_TIME_COST, memory_cost=HASH_MEMORY_KIB, parallelism=HASH_PARALLELISM
    )


def clean_username(username: str) -> str:
    """``username`` trimmed and lower-cased; :class:`UserError` if it is not a valid name."""
    cleaned = username.strip().lower()
    if not USERNAME_PATTERN.match(cleaned):
        raise UserError(
            "username",
            "use 2-80 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return cleaned


def _check_password(password: str, *context: str) -> None:
    problem = password_problem(password, context)
    if problem is not None:
        raise UserError("password", problem)


def _stamp(password_hash: str, generation: int) -> str:
    return hashlib.sha256(f"{generation}:{password_hash}".encode()).hexdigest()[:16]


def _audit(
    conn: Connection, actor: Actor | None, now: datetime | None, name: str, detail: dict[str, Any]
) -> None:
    if actor is None:
        return
    if now is None:
        raise ValueError("an audited change to an account needs the time")
    audit.record(conn, actor.username, actor.role, MANAGE, [f"user:{name}"], None, detail, now)


def _user(row: Row[tuple[object, ...]]) -> User:
    m = row._mapping
    return User(
        id=m["id"],
        username=m["username"],
        display_name=m["display_name"],
        role=UserRole(m["role"]),
        active=bool(m["active"]),
        created_at=m["created_at"],
        session_stamp=_stamp(m["password_hash"], m["session_generation"]),
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
    actor: Actor | None = None,
) -> User:
    """Create an active user; :class:`UserError` naming the field if any input is unfit.

    Given the ``actor``, the creation is audited in the same transaction."""
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
    _check_password(password, name, shown)
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
        with writing(engine, alone=False) as conn:
            conn.execute(insert(users).values(values))
            row = conn.execute(select(users).where(users.c.username == name)).one()
            _audit(conn, actor, now, name, {"change": "created", "role": user_role.value})
    except IntegrityError:
        raise UserExists("username", f"user {name!r} already exists") from None
    return _user(row)


def get_user(engine: Engine, username: str) -> User | None:
    """The user called ``username`` (active or not), or ``None``."""
    name = username.strip().lower()
    with reading(engine) as conn:  # every request's: outside a transaction (see reading)
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
    engine: Engine,
    username: str,
    password: str,
    *,
    hasher: PasswordHasher | None = None,
    now: datetime | None = None,
) -> User | None:
    """The user if ``password`` is theirs and they are active; else ``None``.

    :class:`SignInLocked`, before any password is checked, while the name is locked
    (:mod:`threadline.guard.lockout`); each wrong password (or unknown name) is counted, and a
    right one clears the count. An unknown username costs as much time as a wrong password, so
    response times do not tell which usernames exist. A hash made with other parameters is
    replaced. ``now`` is the time of the attempt (the lockout's clock); UTC now by default.
    """
    hasher = hasher or default_hasher()
    now = now or datetime.now(UTC)
    name = username.strip().lower()
    locked = lockout.lock_of(engine, name).locked_at(now)
    if locked is not None:
        raise SignInLocked(locked)
    with engine.connect() as conn:
        row = conn.execute(_by_username(), {"b_name": name}).first()
    if row is None:
        hasher.hash(password)
        lockout.record_failure(engine, name, now)
        return None
    stored = row._mapping["password_hash"]
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        lockout.record_failure(engine, name, now)
        return None
    if not row._mapping["active"]:
        return None
    lockout.clear_failures(engine, name)
    if hasher.check_needs_rehash(stored):
        rehashed = hasher.hash(password)  # before the write: hashing is slow by design
        with writing(engine, alone=False) as conn:
            conn.execute(
                update(users)
                .where(users.c.id == row._mapping["id"], users.c.password_hash == stored)
                .values(password_hash=rehashed)
            )
        return get_user(engine, name)
    return _user(row)


def _change(
    engine: Engine,
    username: str,
    values: dict[str, Any],
    actor: Actor | None,
    now: datetime | None,
    detail: dict[str, Any],
) -> User:
    name = username.strip().lower()
    with writing(engine, alone=False) as conn:
        done = conn.execute(update(users).where(users.c.username == name).values(values))
        if done.rowcount != 1:
            raise UserError("username", f"no user {name!r}")
        _audit(conn, actor, now, name, detail)
    user = get_user(engine, name)
    assert user is not None
    return user


def set_password(
    engine: Engine,
    username: str,
    password: str,
    *,
    hasher: PasswordHasher | None = None,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> User:
    """Replace a user's password, ending their existing sessions and tokens and clearing any
    lockout of their name. Given the ``actor``, audited (the password is not in the row)."""
    name = username.strip().lower()
    existing = get_user(engine, name)
    _check_password(password, name, existing.display_name if existing else "")
    password_hash = (hasher or default_hasher()).hash(password)
    user = _change(
        engine, name, {"password_hash": password_hash}, actor, now, {"change": "password reset"}
    )
    lockout.clear_failures(engine, name)
    return user


def set_active(
    engine: Engine,
    username: str,
    active: bool,
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> User:
    """Enable or disable a user; a disabled user cannot sign in and their sessions stop working.

    Users are never deleted: the audit log names them and must stay readable. Given the
    ``actor``, audited; the ``actor`` may not disable their own account."""
    if not active and _own(actor, username):
        raise UserError("active", "you cannot disable your own account")
    change = {"change": "enabled" if active else "disabled"}
    return _change(engine, username, {"active": active}, actor, now, change)


def set_role(
    engine: Engine,
    username: str,
    role: str | UserRole,
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> User:
    """Give a user another role (it applies from their next request). Given the ``actor``,
    audited with the old and new role; the ``actor`` may not change their own role."""
    try:
        new = UserRole(role)
    except ValueError:
        raise UserError(
            "role", f"unknown role {role!r}; one of {', '.join(r.value for r in UserRole)}"
        ) from None
    existing = get_user(engine, username)
    if existing is None:
        raise UserError("username", f"no user {username.strip().lower()!r}")
    if new is not existing.role and _own(actor, existing.username):
        raise UserError("role", "you cannot change your own role")
    detail = {"change": "role", "from": existing.role.value, "role": new.value}
    return _change(engine, username, {"role": new.value}, actor, now, detail)


def _own(actor: Actor | None, username: str) -> bool:
    """Whether ``username`` is the ``actor``'s own account."""
    return actor is not None and actor.username == username.strip().lower()


def end_sessions(engine: Engine, username: str) -> None:
    """End every session and token of ``username`` (signing out): a copied cookie stops working."""
    name = username.strip().lower()
    with writing(engine, alone=False) as conn:
        conn.execute(
            update(users)
            .where(users.c.username == name)
            .values(session_generation=users.c.session_generation + 1)
        )
