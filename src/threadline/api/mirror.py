"""Response models that mirror the domain's dataclasses, so that a field is declared once.

A use case answers with a dataclass made plain (``asdict``, times as ISO 8601 text); the route
describes that answer with a pydantic model. :func:`mirror` builds the model's fields from the
dataclass's own: the same names, order, defaults and types, a ``date`` or ``datetime`` read as
the text the answer carries, a nested dataclass as its own mirror (``nested``), and any field
the answer shapes otherwise (a summary counted into another model, a description) overridden
by name. A route's model subclasses it for its schema name and docstring::

    class MemberEvidenceOut(mirror(MemberEvidence, base=Answer)):  # type: ignore[misc]
        "Why one mention belongs to the person."

(mypy cannot follow a base made at run time, hence the ``ignore``; the fields are checked by
pydantic against every real answer, and the OpenAPI states each with its type.)
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, create_model

__all__ = ["mirror"]

#: How a value of the domain's type reads in a JSON answer.
_AS_JSON: Mapping[Any, Any] = {datetime: str, date: str}


def mirror(
    source: type,
    *,
    base: type[BaseModel],
    nested: Mapping[type, type[BaseModel]] | None = None,
    exclude: Collection[str] = (),
    times_as_text: bool = True,
    **overrides: Any,
) -> type[BaseModel]:
    """A model on ``base`` with a field for each field of the dataclass ``source`` (but those in
    ``exclude``), in its order: its type as JSON carries it (``nested`` maps a dataclass to the
    model that describes it) and its default. ``overrides`` gives a field (by name) as
    ``create_model`` takes it, ``(type, default or Field(...))``; a name ``source`` does not
    have is added at the end. ``times_as_text=False`` keeps dates and times as such, for a
    model built from the dataclass itself rather than from a use case's plain answer."""
    if not dataclasses.is_dataclass(source):
        raise TypeError(f"{source!r} is not a dataclass")
    hints = typing.get_type_hints(source)
    as_json = {**(_AS_JSON if times_as_text else {}), **(nested or {})}
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(source):
        if f.name in exclude:
            continue
        if f.name in overrides:
            fields[f.name] = overrides[f.name]
        elif f.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=f.default_factory)
            fields[f.name] = (_json_type(hints[f.name], as_json), default)
        elif f.default is not dataclasses.MISSING:
            fields[f.name] = (_json_type(hints[f.name], as_json), f.default)
        else:
            fields[f.name] = (_json_type(hints[f.name], as_json), ...)
    fields.update({name: spec for name, spec in overrides.items() if name not in fields})
    model: type[BaseModel] = create_model(
        f"{source.__name__}Fields", __base__=base, __module__=base.__module__, **fields
    )
    return model


def _json_type(hint: Any, as_json: Mapping[Any, Any]) -> Any:
    """``hint`` with each type the answer carries otherwise put as it carries it."""
    if hint in as_json:
        return as_json[hint]
    args = typing.get_args(hint)
    if not args:
        return hint
    translated = tuple(_json_type(a, as_json) for a in args)
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        union: Any = translated[0]
        for member in translated[1:]:
            union = union | member
        return union
    return origin[translated]
