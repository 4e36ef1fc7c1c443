"""Reads of person data run from the command line: each as a named user, for a stated purpose,
audited, and shown as that user's role may see it.

The API asks who is signed in, whether their role may (:mod:`threadline.guard.policy`) and why
they look (the ``purpose``), audits every refusal, and writes an audit row for every read of
person data (Data Protection Act 2018 Part 3, s.62: logging of consultation and disclosure). A
command that prints people must do the same, or the command line is the way round the log.

:func:`reader` is the gate of a read, :func:`acting_user` of a step: the user must exist and be
active, their role must be allowed the action the API's equivalent route needs, and the purpose
must be given; a refusal writes its
``access.refused`` audit row (who was named, what was asked, why not) and raises
:class:`ReadRefused`. :func:`audited_read` then runs the read and writes its audit row in one
transaction, before the caller prints anything. What is printed is the read as the user's role
may see it, by :mod:`threadline.guard.disclosure` (for the link searches' answers,
:mod:`threadline.links.disclosed`, which walks them with its one decision).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from threadline.guard import audit
from threadline.guard.policy import (
    MAX_PURPOSE_LENGTH,
    MIN_PURPOSE_LENGTH,
    PermissionDenied,
    UserRole,
    require,
)
from threadline.guard.users import User, get_user
from threadline.store import writing

__all__ = [
    "MAX_PURPOSE_LENGTH",
    "MIN_PURPOSE_LENGTH",
    "ReadRefused",
    "Reader",
    "acting_user",
    "audited_read",
    "reader",
]

T = TypeVar("T")


class ReadRefused(Exception):
    """A read that may not run (no such user, a disabled one, a role that may not, no purpose);
    the message says why. Its audit row has been written."""


@dataclass(frozen=True)
class Reader:
    """Who reads, and why: an active user whose role may perform the read's action."""

    user: User
    purpose: str
    action: str
    command: str

    @property
    def role(self) -> UserRole:
        return self.user.role


def acting_user(
    engine: Engine,
    username: str,
    command: str,
    now: datetime,
    *,
    action: str | None = None,
    purpose: str | None = None,
) -> User:
    """The active user ``username`` running ``command``: checked as the API checks a request,
    user first, then (with ``action``) the role's permission, then (with ``purpose``) the stated
    purpose. A refusal writes its ``access.refused`` audit row (who was named, what was asked,
    why not), as the API's dependencies do for 401, 403 and 400, and raises
    :class:`ReadRefused`: without it the command line would be the way round the log."""
    stated = None if purpose is None else purpose.strip()

    def refuse(reason: str, name: str, role: str) -> ReadRefused:
        detail = {"reason": reason, "command": command, "via": "cli"}
        if action is not None:
            detail["action"] = action
        given = (stated or "")[:MAX_PURPOSE_LENGTH] or None
        with writing(engine, alone=False) as conn:
            audit.record(conn, name[:80], role, audit.REFUSED, [], given, detail, now)
        return ReadRefused(reason)

    user = get_user(engine, username.strip()) if username.strip() else None
    if user is None or not user.active:
        why = "is disabled" if user is not None else "is not a user of this store"
        reason = f"no active user {username!r}: {username!r} {why}"
        raise refuse(reason, username, user.role.value if user is not None else "")
    if action is not None:
        try:
            require(user.role, action)
        except PermissionDenied as denied:
            raise refuse(denied.reason, user.username, user.role.value) from None
    if stated is not None and not MIN_PURPOSE_LENGTH <= len(stated) <= MAX_PURPOSE_LENGTH:
        reason = (
            f"state why (--purpose, {MIN_PURPOSE_LENGTH} to {MAX_PURPOSE_LENGTH} characters; "
            "for example an incident reference)"
        )
        raise refuse(reason, user.username, user.role.value)
    return user


def reader(
    engine: Engine, username: str, purpose: str, action: str, command: str, now: datetime
) -> Reader:
    """The :class:`Reader` for ``username`` reading for ``purpose`` with the policy action
    ``action`` (``command`` names what was run, for the audit log): :func:`acting_user` with
    all three checks, each refusal audited."""
    user = acting_user(engine, username, command, now, action=action, purpose=purpose)
    return Reader(user, purpose.strip(), action, command)


def audited_read(
    engine: Engine,
    who: Reader,
    read: Callable[[Connection], T],
    records: Callable[[T], Sequence[str]],
    now: datetime,
    detail: Callable[[T], dict[str, Any]] | None = None,
    *,
    missing: Callable[[LookupError], Sequence[str]] | None = None,
) -> T:
    """``read`` run for ``who``, and its audit row (``who.action``, the ``records`` it names,
    the purpose, ``detail``) written in the same transaction, committed before this returns;
    the caller shows the answer only then. A read that finds nothing (``LookupError``) is
    audited too, with ``found: false`` and the ``missing`` records asked for, and re-raised."""
    base = {"command": who.command, "via": "cli"}
    with writing(engine, alone=False) as conn:
        try:
            result = read(conn)
        except LookupError as error:
            named = list(missing(error)) if missing is not None else []
            audit.record(
                conn,
                who.user.username,
                who.role.value,
                who.action,
                named,
                who.purpose,
                {**base, "found": False},
                now,
            )
            failed: LookupError | None = error
        else:
            failed = None
            extra = detail(result) if detail is not None else {}
            audit.record(
                conn,
                who.user.username,
                who.role.value,
                who.action,
                list(records(result)),
                who.purpose,
                {**base, **extra},
                now,
            )
    if failed is not None:
        raise failed
    return result
