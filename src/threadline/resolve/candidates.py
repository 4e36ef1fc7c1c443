"""Candidate retrieval at call time: the stored mentions one new mention is compared with.

The same keys as the batch blocking rules (:func:`.comparisons.prediction_blocking_rules`), read
through the store's indexes: every block of a key pair in one statement (a crowded block
narrowed, :data:`.comparisons.CROWDED_BLOCK`; a broad key pair to the mentions its
:data:`.comparisons.KEY_CONDITIONS` allows), and the mentions that share a phone, e-mail,
account or vehicle. Each candidate comes with its feature row, in the model's input layout, and
its entity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CompoundSelect,
    Connection,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    union_all,
)

from threadline.features import STORED_FEATURE_COLUMNS, from_stored
from threadline.model.kinds import identifier_kinds
from threadline.resolve.comparisons import (
    CROWDED_BLOCK,
    KEY_CONDITIONS,
    KEY_PAIRS,
    NARROWING,
    house_of,
)
from threadline.store import tables as t
from threadline.store.queries import fetch

MF = t.mention_features
EM = t.entity_members


@cache
def _candidate_columns() -> tuple[Any, ...]:
    """A candidate as call time needs it: its feature row and its entity."""
    return (MF.c.mention_key, *(MF.c[c] for c in STORED_FEATURE_COLUMNS), EM.c.entity_id)


def _candidates_where(*conditions: ColumnElement[bool]) -> Select[Any]:
    return (
        select(*_candidate_columns())
        .outerjoin(EM, EM.c.mention_key == MF.c.mention_key)
        .where(*conditions)
    )


def _same_keys(a: str, b: str, surname: bool) -> list[ColumnElement[bool]]:
    same = [MF.c[a] == bindparam("a"), MF.c[b] == bindparam("b")]
    return same + [MF.c.surname == bindparam("surname")] if surname else same


def _allowed(a: str, b: str) -> list[ColumnElement[bool]]:
    """The key pair's :data:`.comparisons.KEY_CONDITIONS` (none if it has none), the new
    mention's side read from the parameters of :func:`_condition_params`."""
    condition = KEY_CONDITIONS.get((a, b))
    if condition is None:
        return []
    terms = [
        or_(bindparam(f"lacks_{c}", type_=Boolean), MF.c[c].is_(None)) for c in condition.missing
    ]
    terms += [
        and_(*(MF.c[c] == bindparam(f"mine_{c}", type_=MF.c[c].type) for c in group))
        for group in condition.same
    ]
    return [or_(*terms)]


def _condition_params(features: Mapping[str, Any]) -> dict[str, Any]:
    """The new mention's values the key pairs' conditions read (:func:`_allowed`)."""
    params: dict[str, Any] = {}
    for condition in KEY_CONDITIONS.values():
        for column in condition.missing:
            params[f"lacks_{column}"] = features.get(column) is None
        for column in (c for group in condition.same for c in group):
            params[f"mine_{column}"] = features.get(column)
    return params


@cache
def _crowd(a: str, b: str, surname: bool = False) -> Select[Any]:
    """How many stored mentions share the key pair (and the surname), counted to one more than
    :data:`CROWDED_BLOCK` on the index alone."""
    sharing = select(MF.c.mention_key).where(*_same_keys(a, b, surname)).limit(CROWDED_BLOCK + 1)
    return select(func.count()).select_from(sharing.subquery())


@cache
def _by_keys(a: str, b: str, surname: bool = False) -> Select[Any]:
    return _candidates_where(*_same_keys(a, b, surname), *_allowed(a, b))


@cache
def _by_keys_narrowed(a: str, b: str, extra: tuple[str, ...]) -> Select[Any]:
    wanted: list[ColumnElement[bool]] = []
    for column in extra:
        if column == "house":  # the same house, whatever town or postcode follows it
            house = MF.c.address_key
            wanted.append(house.between(bindparam("house_from"), bindparam("house_to")))
        else:
            wanted.append(MF.c[column] == bindparam(column))
    return _candidates_where(*_same_keys(a, b, False), or_(*wanted), *_allowed(a, b))


@cache
def _block_sizes(pairs: tuple[tuple[str, str], ...]) -> Select[Any]:
    """How many stored mentions share each key pair (parameters ``a0``, ``b0``, ``a1``, ...), in
    one statement, each counted to one more than :data:`CROWDED_BLOCK` on its index alone."""
    sizes = []
    for i, (a, b) in enumerate(pairs):
        same = (MF.c[a] == bindparam(f"a{i}"), MF.c[b] == bindparam(f"b{i}"))
        sharing = select(MF.c.mention_key).where(*same).limit(CROWDED_BLOCK + 1).subquery()
        sizes.append(select(func.count()).select_from(sharing).scalar_subquery())
    return select(*sizes)


@cache
def _blocks(pairs: tuple[tuple[str, str], ...], kinds: int = 0) -> CompoundSelect[Any]:
    """The stored mentions of every key pair in ``pairs`` (parameters as :func:`_block_sizes`),
    and of ``kinds`` shared values of a kind that blocks (parameters ``kind0``, ``values0``,
    ...; :func:`_by_object`), in one statement: a mention in two blocks comes twice."""
    return union_all(
        *(
            _candidates_where(
                MF.c[a] == bindparam(f"a{i}"), MF.c[b] == bindparam(f"b{i}"), *_allowed(a, b)
            )
            for i, (a, b) in enumerate(pairs)
        ),
        *(_by_object(i) for i in range(kinds)),
    )


def _keyed(pairs: Sequence[tuple[str, str]], features: Mapping[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for i, (a, b) in enumerate(pairs):
        params[f"a{i}"], params[f"b{i}"] = features[a], features[b]
    return params


def _pairs(features: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The key pairs of :data:`KEY_PAIRS` that ``features`` has both keys of."""
    return tuple(
        (a, b) for a, b in KEY_PAIRS if features.get(a) is not None and features.get(b) is not None
    )


def block_sizes(conn: Connection, mentions: Sequence[Mapping[str, Any]]) -> list[tuple[int, ...]]:
    """The size of each block of each of ``mentions`` (feature rows), as :func:`candidates`
    counts them, in one statement for them all: a record's people are counted together (the
    stored feature rows do not change while they are resolved), not one statement each.

    The statement counts every key pair of :data:`KEY_PAIRS` for each mention, a pair the
    mention lacks a key of compared with NULL (no rows, found on the index at once), so that
    it has one form for each count of people rather than one for each combination of their
    keys (built, compiled and planned afresh)."""
    present = [_pairs(features) for features in mentions]
    if not any(present):
        return [() for _ in mentions]
    params: dict[str, Any] = {}
    for number, features in enumerate(mentions):
        for i, (a, b) in enumerate(KEY_PAIRS, number * len(KEY_PAIRS)):
            params[f"a{i}"], params[f"b{i}"] = features.get(a), features.get(b)
    sizes = tuple(fetch(conn, _block_sizes(KEY_PAIRS * len(mentions)), params).one())
    counted: list[tuple[int, ...]] = []
    for number, pairs in enumerate(present):
        own = sizes[number * len(KEY_PAIRS) : (number + 1) * len(KEY_PAIRS)]
        counted.append(tuple(n for pair, n in zip(KEY_PAIRS, own, strict=True) if pair in pairs))
    return counted


def _shared(features: Mapping[str, Any]) -> list[tuple[str, list[Any]]]:
    """Each kind that blocks (as in batch) with ``features``' values of it, if any."""
    shared = []
    for kind in identifier_kinds():
        values = [v for v in features.get(kind.column) or [] if v] if kind.blocks else []
        if values:
            shared.append((kind.name, values))
    return shared


def _blocked(
    conn: Connection, features: Mapping[str, Any], sizes: tuple[int, ...] | None = None
) -> list[Any]:
    """The stored mentions sharing any key pair or blocking value with ``features``: the
    blocks' sizes in one statement (unless ``sizes`` gives them), every block of a size worth
    reading and every shared value in a second, a crowded block narrowed."""
    pairs = _pairs(features)
    shared = _shared(features)
    if pairs and sizes is None:
        sizes = tuple(fetch(conn, _block_sizes(pairs), _keyed(pairs, features)).one())
    fine = tuple(
        pair for pair, size in zip(pairs, sizes or (), strict=True) if size <= CROWDED_BLOCK
    )
    params = _keyed(fine, features)
    if fine:
        params.update(_condition_params(features))
    for i, (kind, values) in enumerate(shared):
        params[f"kind{i}"], params[f"values{i}"] = kind, values
    found = list(fetch(conn, _blocks(fine, len(shared)), params)) if params else []
    for a, b in pairs:
        if (a, b) not in fine:
            found += _narrowed(conn, a, b, features)
    return found


def _narrowed(conn: Connection, a: str, b: str, features: Mapping[str, Any]) -> list[Any]:
    """A crowded block (key pair (a, b)) narrowed: the exact surname if that is few enough,
    and the same house, postcode sector or date of birth (:data:`NARROWING`)."""
    params = {"a": features[a], "b": features[b], **_condition_params(features)}
    kept: list[Any] = []
    if features.get("surname") is not None:  # a sound-alike crowd: the exact surname may be rare
        exact = {**params, "surname": features["surname"]}
        if fetch(conn, _crowd(a, b, True), exact).scalar_one() <= CROWDED_BLOCK:
            kept = list(fetch(conn, _by_keys(a, b, True), exact))
    house = house_of(features.get("address_key"))
    given = {**features, "house": house}
    extra = tuple(c for c in NARROWING if given.get(c) is not None)
    if not extra:
        return kept
    params.update({c: given[c] for c in extra if c != "house"})
    if house is not None:
        params.update({"house_from": house, "house_to": house + "\uffff"})
    return kept + list(fetch(conn, _by_keys_narrowed(a, b, extra), params))


@cache
def _by_object(number: int) -> Select[Any]:
    """The stored mentions with one of the values ``values<number>`` of kind ``kind<number>``."""
    i = t.identifiers
    sharing = select(i.c.mention_key).where(
        i.c.kind == bindparam(f"kind{number}"),
        i.c.value.in_(bindparam(f"values{number}", expanding=True)),
        i.c.mention_key.is_not(None),
    )
    return _candidates_where(MF.c.mention_key.in_(sharing))


@dataclass(frozen=True)
class Candidates:
    """The stored mentions a new mention is compared with: feature rows (model input layout,
    ordered by mention key) and the entity each belongs to (if any yet)."""

    rows: list[dict[str, Any]]
    entity_of: dict[str, str]


def candidates(
    conn: Connection,
    features: Mapping[str, Any],
    exclude_record: str | None,
    sizes: tuple[int, ...] | None = None,
) -> Candidates:
    """Stored mentions that share any blocking key with ``features`` (the batch rules, via
    indexes; a crowded block narrowed, see :data:`CROWDED_BLOCK`) or a value of a kind that
    blocks (a phone, as in batch), read in the same queries with their features and entities;
    the mentions of ``exclude_record`` left out. ``sizes``: the blocks' sizes, if
    :func:`block_sizes` has counted them already."""
    found: dict[str, Any] = {row.mention_key: row for row in _blocked(conn, features, sizes)}
    prefix = None if exclude_record is None else exclude_record + "#"
    rows: list[dict[str, Any]] = []
    entity_of: dict[str, str] = {}
    for key in sorted(found):
        if prefix is not None and key.startswith(prefix):
            continue
        row = found[key]
        rows.append(feature_dict(row))
        if row.entity_id is not None:
            entity_of[key] = row.entity_id
    return Candidates(rows, entity_of)


def candidate_keys(
    conn: Connection, features: Mapping[str, Any], exclude_record: str | None
) -> list[str]:
    """The mention keys of :func:`candidates`, in order."""
    return [row["unique_id"] for row in candidates(conn, features, exclude_record).rows]


@cache
def record_features_query() -> Select[Any]:
    """Feature rows of the mentions of the record ``record``."""
    of_record = select(t.mentions.c.mention_key).where(
        t.mentions.c.record_key == bindparam("record")
    )
    query = select(MF.c.mention_key, *(MF.c[c] for c in STORED_FEATURE_COLUMNS))
    return query.where(MF.c.mention_key.in_(of_record))


@cache
def features_query(one: bool = False) -> Select[Any]:
    """Feature rows of the mentions ``keys`` (or of the one mention ``key``: no list to expand)."""
    query = select(MF.c.mention_key, *(MF.c[c] for c in STORED_FEATURE_COLUMNS))
    if one:
        return query.where(MF.c.mention_key == bindparam("key"))
    return query.where(MF.c.mention_key.in_(bindparam("keys", expanding=True)))


def feature_rows(conn: Connection, mention_keys: Sequence[str]) -> list[dict[str, Any]]:
    """Stored feature rows, in the model's input layout (``unique_id`` = mention key)."""
    if not mention_keys:
        return []
    return [
        feature_dict(row) for row in fetch(conn, features_query(), {"keys": list(mention_keys)})
    ]


def feature_dict(row: Any) -> dict[str, Any]:
    """A stored feature row (mention key first, then :data:`.features.STORED_FEATURE_COLUMNS`)
    as model input."""
    values = dict(zip(("unique_id", *STORED_FEATURE_COLUMNS), row, strict=False))
    values = from_stored(values)
    values["forename_nicknames"] = list(values["forename_nicknames"] or [])
    return values
