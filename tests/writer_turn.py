"""Another writer in its turn (:func:`threadline.store.writing`) beside the work under test.

A writer that runs outside the writers' turn decides from what it read while another writer is
part way through: on PostgreSQL it computes a kept fact (an incident's first DASH, its parties)
from a snapshot that lacks the other's rows, or inserts a row the other has just inserted too.
:func:`another_writer` holds the turn in a thread, as a live submission does, for ``hold``
seconds after its own writes; :func:`first_writes` notes when any other thread (the test's, or the
route's worker) first sends an ``INSERT``, ``UPDATE`` or ``DELETE``, so a test can say the work
waited until the other writer committed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, event

from threadline.store import writing


@dataclass
class Holder:
    """The other writer: when it began to commit, and what it raised, if anything.

    The time is taken as the commit is sent, not after it returns: the turn is released by the
    commit itself, so a writer waiting for it may send its first write before this thread,
    slowed on a loaded machine, reads the clock again (seen in CI: 0.13 ms before). Work that
    wrote during the turn, as the tests look for, wrote before this time by up to ``hold``."""

    committing_at: float | None = None
    error: BaseException | None = None
    thread: threading.Thread | None = field(default=None, repr=False)


@contextmanager
def another_writer(
    engine: Engine, work: Callable[[Connection], Any] | None = None, hold: float = 0.6
) -> Iterator[Holder]:
    """A thread in the writers' turn on ``engine``: it runs ``work`` in its transaction, then
    holds the turn ``hold`` seconds and commits. The block runs once the thread has written;
    leaving it waits for the thread and raises what the thread raised."""
    holder = Holder()
    inside = threading.Event()

    def run() -> None:
        try:
            with writing(engine) as conn:
                if work is not None:
                    work(conn)
                inside.set()
                time.sleep(hold)
                holder.committing_at = time.monotonic()  # the block's end commits
        except BaseException as error:  # handed back to the test below
            holder.error = error
            inside.set()

    holder.thread = threading.Thread(target=run, name="another-writer")
    holder.thread.start()
    assert inside.wait(30), "the other writer did not get its turn"
    try:
        yield holder
    finally:
        holder.thread.join(60)
    if holder.error is not None:
        raise holder.error


@dataclass
class Writes:
    """When the work first sent a write through SQLAlchemy (``time.monotonic()``)."""

    first_at: float | None = None


_WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def first_writes(engine: Engine | type[Engine], *tables: str) -> Iterator[Writes]:
    """Note the first write statement (to one of ``tables``, if any are named) that a thread
    other than :func:`another_writer`'s sends on ``engine`` (on any engine, given the class
    ``Engine``: a command opens its own) while the block runs."""
    seen = Writes()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if seen.first_at is not None or threading.current_thread().name == "another-writer":
            return
        words = statement.split()
        if words and words[0].upper() in _WRITES:
            if not tables or any(name in statement for name in tables):
                seen.first_at = time.monotonic()

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def rewrite_inc1_parties(conn: Connection) -> None:
    """What a submission of INC-1 does in its turn: its kept parties rewritten."""
    from threadline.store.parties import keep_parties

    keep_parties(conn, ["incident:cad:INC-1"])


def parties_kept_and_afresh(conn: Connection) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each incident's kept victim and suspect (``incident_parties``), and the same read from
    scratch from its mentions and memberships."""
    from sqlalchemy import select

    from threadline.crossref.risk import people_by_role, victim_and_suspect
    from threadline.store import tables as t

    p = t.incident_parties
    kept = {r[0]: (r[1], r[2]) for r in conn.execute(
        select(p.c.record_key, p.c.victim_entity, p.c.suspect_entity))}  # fmt: skip
    afresh = {k: victim_and_suspect(roles) for k, roles in people_by_role(conn).items()}
    return kept, afresh
