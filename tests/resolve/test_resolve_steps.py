"""The step clock of ``bench/bench_growth.py --steps`` (``bench/resolve_steps.py``): each step it
names is in the code it times, and a step's count is its own CPU, its callees' counted to them."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from resolve_steps import STEPS, StepClock, timed_steps  # noqa: E402


def _burn(seconds: float) -> None:
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass


def test_every_step_timed_is_in_the_code() -> None:
    """A step renamed in the code would be skipped silently (so that older code can be timed
    with the same list): the list must follow the code."""
    for module_name, path, _name in STEPS:
        owner: object = importlib.import_module(module_name)
        for part in path.split("."):
            owner = getattr(owner, part)
        assert callable(owner), (module_name, path)


def test_a_step_counts_its_own_time_and_not_its_callees() -> None:
    clock = StepClock()
    inner = clock.wrap("inner", lambda: _burn(0.05))

    def outer_work() -> None:
        _burn(0.05)
        inner()
        inner()

    outer = clock.wrap("outer", outer_work)
    outer()
    assert clock.calls == {"inner": 2, "outer": 1}
    assert 0.09 <= clock.cpu["inner"] < 0.2
    assert 0.04 <= clock.cpu["outer"] < 0.09


def test_the_steps_are_put_back_after_the_block() -> None:
    from threadline.resolve import batch

    before = batch.FramePairs.__dict__["cluster"], batch.predict_pairs
    with timed_steps():
        assert batch.predict_pairs is not before[1]
    assert (batch.FramePairs.__dict__["cluster"], batch.predict_pairs) == before
