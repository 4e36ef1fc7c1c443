"""A domain value as its JSON answer carries it, written once for every answer that is built
from dataclasses or rows: the picture, a person, a case, a user's notifications."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

__all__ = ["plain"]


def plain(value: Any, seen: dict[int, Any] | None = None) -> Any:
    """``value`` as JSON: dataclasses and dicts as dicts, lists and tuples as lists, dates and
    times in ISO 8601 (what ``asdict`` then this gives, without asdict's deep copy of every
    value: a picture is built for each submission). A dataclass met again (a timeline entry is
    in a person's records, the timeline and an object link) is converted once (``seen``)."""
    if seen is None:
        seen = {}
    if isinstance(value, dict):
        return {k: plain(v, seen) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, seen) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        done = seen.get(id(value))
        if done is None:
            names = _field_names(type(value))
            done = seen[id(value)] = {name: plain(getattr(value, name), seen) for name in names}
        return done
    return value


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))
