"""Work followed step by step: the small state machine an alert's actions, a case and a MARAC
referral share (pure values).

Each is an append-only list of :class:`StepRecord` values (who took which step, when, with what
details); its state is never stored but folded from them (:func:`fold`), so nothing is
overwritten and every step stays visible. A step that cannot be taken raises a
:class:`StepRefused` saying why. What the steps are, who may take them and what each does to the
state stay with each kind of work (:mod:`threadline.recognise.actions`,
:mod:`threadline.recognise.cases`, :mod:`threadline.risk.referral_steps`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

StepT = TypeVar("StepT", bound=str)
StateT = TypeVar("StateT")
RecordT = TypeVar("RecordT")


class StepRefused(ValueError):
    """A step that cannot be taken now; the message says why in words, ``field`` what to fix.

    ``forbidden``: refused because of who asked (a role, or their own decision), not what they
    sent; ``conflict``: because of where the work stands (a valid request at another time)."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        forbidden: bool = False,
        conflict: bool = False,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.forbidden = forbidden
        self.conflict = conflict


@dataclass(frozen=True)
class StepRecord(Generic[StepT]):
    """One step taken: append-only, attributed."""

    step: StepT
    by: str
    role: str
    at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values (times as ISO 8601)."""
        return {
            "step": self.step,
            "by": self.by,
            "role": self.role,
            "at": self.at.isoformat(),
            "detail": {
                k: v.isoformat() if isinstance(v, datetime) else v for k, v in self.detail.items()
            },
        }


def fold(
    state: StateT, records: Iterable[RecordT], apply: Callable[[StateT, RecordT], StateT]
) -> StateT:
    """``state`` after each of ``records`` in the order taken, each applied by ``apply``."""
    for record in records:
        state = apply(state, record)
    return state


__all__ = ["StepRecord", "StepRefused", "fold"]
