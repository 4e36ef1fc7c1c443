"""An entry of a declared list of rules: the MARAC referral criteria (:mod:`threadline.risk.marac`)
and the kinds of owed assessment (:mod:`threadline.risk.owed`) are each a list of these."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DeclaredRule"]


@dataclass(frozen=True, slots=True)
class DeclaredRule:
    """One declared rule: a stable id, a title and what it means."""

    id: str
    title: str
    description: str
