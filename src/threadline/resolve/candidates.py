"""Candidate retrieval at call time: the stored mentions one new mention is compared with.

The same keys as the batch blocking rules (:func:`.comparisons.prediction_blocking_rules`), read
through the store's indexes: every block of a key pair in one statement (a crowded block
narrowed, :data:`.comparisons.CROWDED_BLOCK`; a broad key pair to the mentions its
:data:`.comparisons.KEY_CONDITIONS` allows; a crossed key, :data:`.comparisons.CROSSED_PAIRS`,
through the index on its two columns with the new mention's values the other way round), and
the mentions that share a phone, e-mail, account or vehicle. Each candidate comes with its
feature row, in the model's input layout, and its entity.
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
    CROSSED_PAIRS,
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


@dataclass(frozen=True)
class _Key:
    """A blocking key as call time reads it: the stored mentions with the wanted values of
    ``a`` and ``b`` (:func:`_wanted`), through the index on the two."""

    a: str
    b: str
    crossed: bool = False


#: Every key pair of :data:`KEY_PAIRS`, then every crossed key of :data:`CROSSED_PAIRS`.
ALL_KEYS: tuple[_Key, ...] = (
    *(_Key(a, b) for a, b in KEY_PAIRS),
    *(_Key(a, b, crossed=True) for a, b in CROSSED_PAIRS),
)


def _wanted(key: _Key, features: Mapping[str, Any]) -> tuple[Any, Any] | None:
    """The values of ``key.a`` and ``key.b`` of the mentions in ``features``' block: its own,
    or for a crossed key its own the other way round (none where the two are the same: such a
    name is compared by the other keys); ``None`` where it lacks either."""
    mine_a, mine_b = features.get(key.a), features.get(key.b)
    if mine_a is None or mine_b is None:
        return None
    if key.crossed:
        return None if mine_a == mine_b else (mine_b, mine_a)
    return mine_a, mine_b


def _counted(key: _Key, features: Mapping[str, Any]) -> list[tuple[Any, Any]]:
    """The values whose counts add up to the size of ``features``' block of ``key``, as batch
    counts it (:func:`.comparisons.blocking_columns`): the wanted values, and for a crossed key
    the mention's own too (NULLs, which count nothing, where the key does not block it)."""
    wanted = _wanted(key, features) or (None, None)
    return [wanted, (wanted[1], wanted[0])] if key.crossed else [wanted]


def _keyed(keys: Sequence[_Key], features: Mapping[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for i, key in enumerate(keys):
        params[f"a{i}"], params[f"b{i}"] = _wanted(key, features) or (None, None)
    return params


def _keys(features: Mapping[str, Any]) -> tuple[_Key, ...]:
    """The keys of :data:`ALL_KEYS` that block ``features``."""
    return tuple(key for key in ALL_KEYS if _wanted(key, features) is not None)


def _count(
    conn: Connection, mentions: Sequence[tuple[Mapping[str, Any], Sequence[_Key]]]
) -> list[tuple[int, ...]]:
    """The size of each block of each ``(features, keys)``, in one statement for them all."""
    columns: list[tuple[str, str]] = []
    params: dict[str, Any] = {}
    for features, keys in mentions:
        for key in keys:
            for values in _counted(key, features):
                params[f"a{len(columns)}"], params[f"b{len(columns)}"] = values
                columns.append((key.a, key.b))
    sizes = iter(fetch(conn, _block_sizes(tuple(columns)), params).one())
    return [
        tuple(sum(next(sizes) for _ in _counted(key, features)) for key in keys)
        for features, keys in mentions
    ]


def block_sizes(conn: Connection, mentions: Sequence[Mapping[str, Any]]) -> list[tuple[int, ...]]:
    """The size of each block of each of ``mentions`` (feature rows), as :func:`candidates`
    counts them, in one statement for them all: a record's people are counted together (the
    stored feature rows do not change while they are resolved), not one statement each.

    The statement counts every key of :data:`ALL_KEYS` for each mention, a key that does not
    block the mention compared with NULL (no rows, found on the index at once), so that it has
    one form for each count of people rather than one for each combination of their keys
    (built, compiled and planned afresh)."""
    present = [_keys(features) for features in mentions]
    if not any(present):
        return [() for _ in mentions]
    counted = _count(conn, [(features, ALL_KEYS) for features in mentions])
    return [
        tuple(n for key, n in zip(ALL_KEYS, sizes, strict=True) if key in keys)
        for keys, sizes in zip(present, counted, strict=True)
    ]


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
    """The stored mentions sharing any key or blocking value with ``features``: the blocks'
    sizes in one statement (unless ``sizes`` gives them), every block of a size worth reading
    and every shared value in a second, a crowded block narrowed."""
    keys = _keys(features)
    shared = _shared(features)
    if keys and sizes is None:
        (sizes,) = _count(conn, [(features, keys)])
    fine = tuple(key for key, size in zip(keys, sizes or (), strict=True) if size <= CROWDED_BLOCK)
    params = _keyed(fine, features)
    if fine:
        params.update(_condition_params(features))
    for i, (kind, values) in enumerate(shared):
        params[f"kind{i}"], params[f"values{i}"] = kind, values
    pairs = tuple((key.a, key.b) for key in fine)
    found = list(fetch(conn, _blocks(pairs, len(shared)), params)) if params else []
    for key in keys:
        if key not in fine:
            found += _narrowed(conn, key, features)
    return found


def _narrowed(conn: Connection, key: _Key, features: Mapping[str, Any]) -> list[Any]:
    """A crowded block of ``key`` narrowed: the exact surname if that is few enough (not for a
    crossed key, whose surnames differ), and the same house, postcode sector or date of birth
    (:data:`NARROWING`)."""
    a, b = key.a, key.b
    wanted_a, wanted_b = _wanted(key, features) or (None, None)
    params = {"a": wanted_a, "b": wanted_b, **_condition_params(features)}
    kept: list[Any] = []
    # a sound-alike crowd: the exact surname may be rare
    if features.get("surname") is not None and not key.crossed:
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
