"""Locking an account name after repeated failed sign-ins, with a back-off.

The rule (CJIS Security Policy 5.5.3, "Unsuccessful Login Attempts": no more than five
consecutive invalid attempts; the system locks the account for at least ten minutes): five
failures within :data:`WINDOW` (15 minutes) lock the name for :data:`FIRST_LOCK` (15 minutes);
each further lockout before a successful sign-in doubles it, up to :data:`LONGEST_LOCK` (a day).
While a name is locked no password is checked, not even the right one, and nothing is hashed.

Failures are kept per name whether or not the account exists, so a lockout tells an attacker
nothing about which names are real. They are stored (``sign_in_failures``) rather than held in
memory, so the count holds across every worker and process that shares the store.

:func:`after_failure` is the rule on plain values; :func:`lock_of`, :func:`record_failure` and
:func:`clear_failures` keep it in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from threadline.store import writing
from threadline.store.tables import sign_in_failures

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(days=1)
NAME_LENGTH = 80


@dataclass(frozen=True)
class Failures:
    """Failed sign-ins for one name: how many in the current window, and any lock."""

    failures: int = 0
    window_start: datetime | None = None
    locked_until: datetime | None = None
    lockouts: int = 0

    def locked_at(self, now: datetime) -> datetime | None:
        """When the lock ends, if the name is locked at ``now``."""
        if self.locked_until is not None and self.locked_until > now:
            return self.locked_until
        return None


def lock_length(lockouts: int) -> timedelta:
    """How long the ``lockouts``-th lockout in a row lasts: 15 minutes, 30, 1 hour... a day."""
    return min(FIRST_LOCK * 2 ** max(lockouts - 1, 0), LONGEST_LOCK)


def after_failure(state: Failures, now: datetime) -> Failures:
    """``state`` after one more failed sign-in at ``now``."""
    if state.window_start is None or now - state.window_start >= WINDOW:
        failures, window_start = 1, now
    else:
        failures, window_start = state.failures + 1, state.window_start
    if failures >= MAX_FAILURES:
        lockouts = state.lockouts + 1
        return Failures(0, None, now + lock_length(lockouts), lockouts)
    return Failures(failures, window_start, state.locked_until, state.lockouts)


def failure_key(username: str) -> str:
    """The name failures are counted under: trimmed, lower-cased, at most 80 characters."""
    return username.strip().lower()[:NAME_LENGTH]


def lock_of(engine: Engine, username: str) -> Failures:
    """The stored failures of ``username`` (none if it has not failed)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(sign_in_failures).where(sign_in_failures.c.username == failure_key(username))
        ).first()
    if row is None:
        return Failures()
    m = row._mapping
    return Failures(m["failures"], m["window_start"], m["locked_until"], m["lockouts"])


def record_failure(engine: Engine, username: str, now: datetime) -> Failures:
    """Count one failed sign-in for ``username`` at ``now``; the new state (locked or not)."""
    key = failure_key(username)
    table = sign_in_failures
    with writing(engine, alone=False) as conn:
        row = conn.execute(select(table).where(table.c.username == key)).first()
        before = Failures()
        if row is not None:
            m = row._mapping
            before = Failures(m["failures"], m["window_start"], m["locked_until"], m["lockouts"])
        after = after_failure(before, now)
        values = {
            "failures": after.failures,
            "window_start": after.window_start,
            "locked_until": after.locked_until,
            "lockouts": after.lockouts,
        }
        if row is None:
            conn.execute(insert(table).values(username=key, **values))
        else:
            conn.execute(update(table).where(table.c.username == key).values(**values))
    return after


def clear_failures(engine: Engine, username: str) -> None:
    """Forget ``username``'s failures and lockouts (after a successful sign-in or a reset)."""
    with writing(engine, alone=False) as conn:
        conn.execute(
            delete(sign_in_failures).where(sign_in_failures.c.username == failure_key(username))
        )
