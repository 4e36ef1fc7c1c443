"""Submissions in one worker: those that arrive while a write turn is under way go in the next,
together (group commit).

Every submission needs the write turn (:func:`threadline.store.database.writing`), one at a
time across every worker. A route hands its record to :meth:`SubmissionTurns.run` and waits in
the event loop, which costs nothing. One thread of the worker at a time takes every submission
waiting (up to ``group_limit``) and submits them as one group
(:func:`threadline.crossref.pipeline.submit_group`): one transaction, a savepoint each, one
commit, so one wait for the writers' lock and one for the disk serve them all. It then gives
each its answer (``respond``: the picture, the page), after the commit and outside the turn, so
the other worker takes its turn meanwhile. A submission that comes alone is submitted at once;
only under load do groups form, from what has queued while the last group was in its turn. A
submission whose client goes away before its answer is still submitted: the record was sent, and
a command-and-control system that sends it again finds it stored ("unchanged").

One thread, not several: a second thread beside the one in its turn gains nothing but the
interpreter, which it takes each time the turn waits for the database, and every turn, so every
waiting submission, takes longer (``bench/bench_load.py``). For the same reason the answers of a
group go back together once all are drawn: handing each to the event loop the moment it is ready
wakes the loop to send it and read the next request while the thread draws the rest, and 20
clients back to back got 62-66 answers a second that way against 83-92 (same hour, interleaved).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import anyio
from sqlalchemy import Engine

from threadline.crossref.pipeline import Pending, Submission, submit_group
from threadline.resolve.linkage import LinkageModel

T = TypeVar("T")


@dataclass
class _Waiting(Generic[T]):
    pending: Pending
    respond: Callable[[Submission], T]
    future: asyncio.Future[T]


@dataclass
class SubmissionTurns:
    """The submissions of one worker, submitted in groups of at most ``group_limit`` by one
    thread at a time (the first of a group waits for the whole group's turn)."""

    engine: Engine
    model: LinkageModel
    group_limit: int
    _waiting: list[_Waiting[Any]] = field(default_factory=list)
    _draining: asyncio.Task[None] | None = None

    async def run(self, pending: Pending, respond: Callable[[Submission], T]) -> T:
        """Submit ``pending`` with the next group; return ``respond(submission)`` (called in
        the group's thread after the commit). A submission that fails raises its error here."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(pending, respond, future))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                group = self._waiting[: self.group_limit]
                del self._waiting[: self.group_limit]
                try:
                    answers = await anyio.to_thread.run_sync(self._submit, group)
                except Exception as error:  # the commit failed: nothing of the group is stored
                    answers = [error] * len(group)
                for waiting, answer in zip(group, answers, strict=True):
                    if waiting.future.done():  # the client went away; its submission stands
                        continue
                    if isinstance(answer, Exception):
                        waiting.future.set_exception(answer)
                    else:
                        waiting.future.set_result(answer)
        finally:
            self._draining = None

    def _submit(self, group: list[_Waiting[Any]]) -> list[Any]:
        outcomes = submit_group(self.engine, self.model, [w.pending for w in group])
        answers: list[Any] = []
        for waiting, outcome in zip(group, outcomes, strict=True):
            if isinstance(outcome, Exception):
                answers.append(outcome)
                continue
            try:
                answers.append(waiting.respond(outcome))
            except Exception as error:  # noqa: BLE001 - that answer alone fails
                answers.append(error)
        return answers
