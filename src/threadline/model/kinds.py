"""Identifier kinds: the objects (POLE "O") that link records, declared once.

A phone, an e-mail address, a social-media account and a vehicle are each an
:class:`IdentifierKind`: its name (the ``kind`` of a stored identifier and the prefix of its node
in the link graph, ``phone:+447700900123``), its feature column (``phones``: the list the linkage
model compares, also the name of its comparison), its label in words, its normaliser (text as
written to the value that links records), the comparison style the model uses for it
(:mod:`threadline.resolve.comparisons` builds one from each style), whether it is contact detail
(a value that reaches or locates someone, withheld from restricted roles) and whether a value
shared by two mentions makes them candidates (blocking).

Every part of Threadline that deals with identifiers loops over :func:`identifier_kinds`: import,
the stored features, blocking, the comparisons, explanations, redaction and the link graph. A new
kind (an IMEI, a chat handle) is one :func:`register` call with a normaliser; its values arrive
in a person's ``identifiers`` list (``{"kind": "imei", "value": "35-209900-176148-1"}``) and are
stored as ``(kind, value)`` rows, so no table changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from threadline.normalise import (
    normalise_account,
    normalise_email,
    normalise_phone,
    normalise_registration,
)

__all__ = [
    "ACCOUNT",
    "EMAIL",
    "PHONE",
    "VEHICLE",
    "IdentifierKind",
    "UnknownIdentifierKind",
    "identifier_kind",
    "identifier_kinds",
    "kind_of_column",
    "register",
    "registered",
    "unregister",
    "written_form",
    "written_identifiers",
]

#: The comparison every kind gets unless it says otherwise: at least one value in both, none
#: in common, or not given on one side.
SHARED_VALUE = "shared_value"
#: As :data:`SHARED_VALUE`, but not compared for two mentions at one numbered house (the
#: household's car is as often the person's as not).
SHARED_VALUE_APART_AT_ONE_HOUSE = "shared_value_apart_at_one_house"


class UnknownIdentifierKind(ValueError):
    """An identifier kind no registry entry declares."""


@dataclass(frozen=True)
class IdentifierKind:
    """One kind of identifier.

    ``name`` is the stored kind and node prefix (``phone``); ``column`` the feature column and
    comparison name (``phones``); ``label`` the noun in explanations (``phone``); ``title`` the
    link chart's legend (``Phone``). ``normalise`` takes one value as written (an account as
    ``platform:handle``) and returns its linking form or ``None`` when it holds none.
    ``comparison`` names a comparison style of :mod:`threadline.resolve.comparisons`.
    ``contact``: the value reaches or locates someone (withheld from restricted roles).
    ``blocks``: two mentions sharing a value are scored against each other.
    ``field`` is the person mention's own list for this kind, if it has one (``phones``); values
    in a person's generic ``identifiers`` list of this kind are read as well.
    """

    name: str
    column: str
    label: str
    title: str
    normalise: Callable[[str], str | None]
    comparison: str = SHARED_VALUE
    contact: bool = True
    blocks: bool = True
    field: str | None = None

    @property
    def edge(self) -> str:
        """The link graph's edge kind from a person to a value of this kind."""
        return f"has_{self.name}"


def written_form(item: Any) -> str:
    """One identifier as written: text as is; an account given as ``(platform, handle)`` (or
    an object with ``platform`` and ``handle``, or a vehicle with ``registration``) as text."""
    if isinstance(item, str):
        return item
    if isinstance(item, (tuple, list)):
        return ":".join(str(part) for part in item)
    if hasattr(item, "handle"):
        return f"{item.platform}:{item.handle}"
    if hasattr(item, "registration"):
        return str(item.registration)
    if hasattr(item, "value"):
        return str(item.value)
    raise TypeError(f"not an identifier: {item!r}")


def _account(written: str) -> str | None:
    platform, _, handle = written.partition(":")
    return normalise_account(platform, handle) if handle else None


PHONE = IdentifierKind("phone", "phones", "phone", "Phone", normalise_phone, field="phones")
EMAIL = IdentifierKind("email", "emails", "e-mail", "E-mail", normalise_email, field="emails")
ACCOUNT = IdentifierKind(
    "account", "accounts", "account", "Social account", _account, field="accounts"
)
VEHICLE = IdentifierKind(
    "vehicle",
    "vehicles",
    "vehicle",
    "Vehicle",
    normalise_registration,
    comparison=SHARED_VALUE_APART_AT_ONE_HOUSE,
    field="vehicles",
)

_REGISTRY: dict[str, IdentifierKind] = {
    kind.name: kind for kind in (PHONE, EMAIL, ACCOUNT, VEHICLE)
}
_BUILT_IN = frozenset(_REGISTRY)


def identifier_kinds() -> tuple[IdentifierKind, ...]:
    """Every registered kind, the built-in four first, then in the order registered."""
    return tuple(_REGISTRY.values())


def identifier_kind(name: str) -> IdentifierKind:
    """The kind called ``name``; :class:`UnknownIdentifierKind` if none is registered."""
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(_REGISTRY)
        raise UnknownIdentifierKind(f"unknown identifier kind {name!r} (known: {known})") from None


def kind_of_column(column: str) -> IdentifierKind | None:
    """The kind whose feature column (and comparison) is ``column``, if any."""
    return next((kind for kind in _REGISTRY.values() if kind.column == column), None)


_RESERVED = frozenset({"person", "location", "incident", "crime", "order", "mention"})


def register(kind: IdentifierKind) -> IdentifierKind:
    """Add a kind. Its name and column must be new (and its name not a node kind of the graph:
    person, location, incident, crime, order)."""
    if kind.name in _REGISTRY or kind.name in _RESERVED or ":" in kind.name:
        raise ValueError(f"identifier kind name {kind.name!r} is taken or not allowed")
    if kind_of_column(kind.column) is not None:
        raise ValueError(f"feature column {kind.column!r} is already an identifier kind's")
    _REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind added by :func:`register` (the built-in kinds stay)."""
    if name in _BUILT_IN:
        raise ValueError(f"{name!r} is a built-in identifier kind")
    _REGISTRY.pop(name, None)


@contextmanager
def registered(kind: IdentifierKind) -> Iterator[IdentifierKind]:
    """``kind`` registered for the ``with`` block, removed after it whatever happens."""
    register(kind)
    try:
        yield kind
    finally:
        unregister(kind.name)


def written_identifiers(person: Any) -> Iterator[tuple[IdentifierKind, str]]:
    """Each identifier of a person mention as written, with its kind: the person's own lists
    (``phones``, ``accounts``...) first, then its generic ``identifiers`` list, kind by kind."""
    generic: Sequence[Any] = getattr(person, "identifiers", None) or ()
    for kind in identifier_kinds():
        if kind.field is not None:
            for item in getattr(person, kind.field, None) or ():
                yield kind, written_form(item)
        for item in generic:
            if item.kind == kind.name:
                yield kind, item.value
