"""A worker's submissions: those that queue while a group is in its turn go together next."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

import threadline.api.turns as turns_module
from threadline.api.turns import SubmissionTurns
from threadline.crossref.pipeline import Pending, Submission

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _pending(ref: str) -> Pending:
    return Pending(record=SimpleRecord(ref), now=NOW)  # type: ignore[arg-type]


class SimpleRecord:
    kind = "incident"

    def __init__(self, ref: str) -> None:
        self.ref = ref


class FakeStore:
    """Stands in for :func:`submit_group`: records each group, takes 20 ms a group, fails the
    records named ``BAD-…``, and notes how many groups ran at once."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = []
        self.running = self.most = 0
        self.guard = threading.Lock()

    def __call__(self, _engine: Any, _model: Any, group: list[Pending]) -> list[Any]:
        with self.guard:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self.guard:
            self.running -= 1
            self.groups.append([p.record.ref for p in group])
        return [
            ValueError(f"bad {p.record.ref}")
            if p.record.ref.startswith("BAD")
            else Submission(
                f"incident:x:{p.record.ref}", p.record.ref, "incident", "stored", [], [], {}
            )
            for p in group
        ]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FakeStore:
    fake = FakeStore()
    monkeypatch.setattr(turns_module, "submit_group", fake)
    return fake


def _turns(limit: int) -> SubmissionTurns:
    return SubmissionTurns(engine=None, model=None, group_limit=limit)  # type: ignore[arg-type]


def test_what_queues_during_a_turn_goes_in_the_next_group(store: FakeStore) -> None:
    turns = _turns(limit=4)

    async def main() -> list[str]:
        first = asyncio.create_task(turns.run(_pending("A0"), lambda s: s.ref))
        await asyncio.sleep(0.005)  # A0 is in its turn, alone: nothing waited with it
        rest = [turns.run(_pending(f"A{n}"), lambda s: s.ref) for n in range(1, 7)]
        return [await first, *await asyncio.gather(*rest)]

    answers = asyncio.run(main())
    assert answers == [f"A{n}" for n in range(7)]  # each gets its own answer
    assert store.groups == [["A0"], ["A1", "A2", "A3", "A4"], ["A5", "A6"]]
    assert store.most == 1  # one group at a time in a worker


def test_a_failure_is_raised_to_its_own_submitter_alone(store: FakeStore) -> None:
    turns = _turns(limit=8)

    def respond(submission: Submission) -> str:
        if submission.ref == "ANSWER-FAILS":
            raise RuntimeError("the picture could not be drawn")
        return submission.ref

    async def main() -> list[Any]:
        refs = ["OK-1", "BAD-1", "ANSWER-FAILS", "OK-2"]
        runs = [turns.run(_pending(ref), respond) for ref in refs]
        return await asyncio.gather(*runs, return_exceptions=True)

    ok1, bad, answer_fails, ok2 = asyncio.run(main())
    assert (ok1, ok2) == ("OK-1", "OK-2")
    assert isinstance(bad, ValueError) and "BAD-1" in str(bad)
    assert isinstance(answer_fails, RuntimeError)


def test_a_failed_commit_fails_the_whole_group_and_the_next_still_runs(
    store: FakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    turns = _turns(limit=8)
    calls = 0

    def commit_fails_once(engine: Any, model: Any, group: list[Pending]) -> list[Any]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("disk full")
        return store(engine, model, group)

    monkeypatch.setattr(turns_module, "submit_group", commit_fails_once)

    async def main() -> tuple[list[Any], str]:
        failed = await asyncio.gather(
            turns.run(_pending("C1"), lambda s: s.ref),
            turns.run(_pending("C2"), lambda s: s.ref),
            return_exceptions=True,
        )
        return failed, await turns.run(_pending("C3"), lambda s: s.ref)

    failed, later = asyncio.run(main())
    assert all(isinstance(error, OSError) for error in failed)
    assert later == "C3"


def test_a_submission_whose_client_went_away_is_still_submitted(store: FakeStore) -> None:
    turns = _turns(limit=8)

    async def main() -> str:
        first = asyncio.create_task(turns.run(_pending("D0"), lambda s: s.ref))
        await asyncio.sleep(0.005)  # D0 is in its turn
        gone = asyncio.create_task(turns.run(_pending("D1"), lambda s: s.ref))
        await asyncio.sleep(0)
        gone.cancel()  # the client hung up while D1 waited for the next group
        later = await turns.run(_pending("D2"), lambda s: s.ref)
        await first
        return later

    assert asyncio.run(main()) == "D2"
    assert store.groups == [["D0"], ["D1", "D2"]]
