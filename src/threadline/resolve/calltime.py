"""Resolution at call time: one new record's people matched against the store in milliseconds.

For each person in the new record: fetch candidate mentions from the store's indexes using the
same keys as the batch blocking rules (:func:`.comparisons.prediction_blocking_rules`), score them
with the same model (:func:`.linkage.score_pairs`, whose weights equal batch prediction's),
then join the best entity, queue the pair for review, or start a new entity. Call time never
merges two existing entities on its own: when a mention links two, it joins the stronger and
the other link goes to the review queue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    bindparam,
    select,
)

from threadline.features import STORED_FEATURE_COLUMNS, feature_columns
from threadline.resolve import victims
from threadline.resolve.candidates import (
    block_sizes,
    candidates,
    feature_dict,
    feature_rows,
    features_query,
    record_features_query,
)
from threadline.resolve.clustering import AMBIGUITY_MARGIN
from threadline.resolve.described import (
    Inferred,
    MentionRow,
    apply_inferences,
    describes_ex_partner,
    infer_ex_partners,
    mention_row,
    victim_mention_rows,
)
from threadline.resolve.entities import (
    Membership,
    apply_memberships,
    format_entity_id,
    highest_entity,
    merge_entities,
    number_after,
)
from threadline.resolve.explain import explain_pair
from threadline.resolve.joins import CALL_TIME, PROVISIONAL, JoinRule, refusal, rule
from threadline.resolve.lineage import LineageLink, links_for, record_lineage_rows
from threadline.resolve.linkage import LinkageModel, match_probability, score_pair_levels
from threadline.resolve.namesakes import (
    name_key,
    name_of,
    provisional_sentence,
    sole_bearer_joins,
    sole_bearer_sentence,
    undone_sentence,
)
from threadline.resolve.review import mention_words, queue_pairs
from threadline.store import tables as t
from threadline.store.lookups import mention_columns
from threadline.store.parties import parties_rewrite
from threadline.store.queries import fetch, fetch_together

MF = t.mention_features


@cache
def _entities_of_mentions() -> Select[Any]:
    em = t.entity_members
    return select(em.c.mention_key, em.c.entity_id).where(
        em.c.mention_key.in_(bindparam("keys", expanding=True))
    )


@cache
def _members_of_entities() -> Select[Any]:
    em = t.entity_members
    return select(em.c.mention_key, em.c.entity_id).where(
        em.c.entity_id.in_(bindparam("keys", expanding=True))
    )


@cache
def _entity_labels() -> Select[Any]:
    e = t.entities
    return select(e.c.id, e.c.label).where(e.c.id.in_(bindparam("keys", expanding=True)))


@cache
def _mentions_of_record() -> Select[Any]:
    m = t.mentions
    query = select(*mention_columns())
    return query.where(m.c.record_key == bindparam("record")).order_by(m.c.id)


def score_candidates(
    model: LinkageModel, features: Mapping[str, Any], candidates: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Score one mention against stored candidates: the rows :func:`.linkage.score_pairs` gives
    (same weights), as plain dicts, without building a data frame for a handful of pairs."""
    scored = [_scored(model, features, candidate) for candidate in candidates]
    scored.sort(key=lambda s: -s.weight)
    return [s.row(features) for s in scored]


@dataclass(frozen=True)
class _Scored:
    """A candidate's weight, and its levels, before the full row is needed."""

    candidate: Mapping[str, Any]
    weight: float
    parts: list[tuple[Any, float]]

    @property
    def probability(self) -> float:
        return match_probability(self.weight)

    def row(self, features: Mapping[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {
            "unique_id_l": features["unique_id"],
            "unique_id_r": self.candidate["unique_id"],
            "match_weight": self.weight,
            "match_probability": self.probability,
        }
        for level, contribution in self.parts:
            row[f"gamma_{level.comparison}"] = level.gamma
            row[f"mw_{level.comparison}"] = contribution
        for column in feature_columns()[1:]:
            row[f"{column}_l"] = features[column]
            row[f"{column}_r"] = self.candidate[column]
        return row


def _scored(
    model: LinkageModel, features: Mapping[str, Any], candidate: Mapping[str, Any]
) -> _Scored:
    total, parts = score_pair_levels(model, features, candidate)
    return _Scored(candidate, total, list(parts))


@dataclass(frozen=True)
class Decision:
    """What happened to one mention at call time, and why."""

    mention_key: str
    outcome: str  # "joined", "review", "new", "inferred" (a nameless "her ex")
    entity_id: str
    probability: float | None
    matched_mention: str | None
    evidence: list[str]
    candidates: int
    other_entities: list[tuple[str, float]] = field(default_factory=list)
    #: people merged into ``entity_id`` because the mention links to them as strongly
    merged: list[str] = field(default_factory=list)
    #: the declared rule (:data:`.joins.RULES`) that joined it, or held it for a reviewer
    rule: str | None = None
    #: members of other people this mention shows to fit two people who cannot be one
    #: (:func:`_fits_both`), to be held apart (or to join this mention, when they fit it far
    #: better): (member, the member it is most surely linked to in its person, why, the match
    #: probabilities of its link to this mention and to that one, whether it joins this one)
    held_apart: list[tuple[str, str, str, float, float, bool]] = field(default_factory=list)
    #: joined provisionally (:attr:`.joins.JoinRule.provisional_at_call_time`): undone at call
    #: time when a namesake who could also be that person arrives (:func:`_undo_provisional`)
    provisional: bool = False


def _features_for(conn: Connection, mention_key: str) -> dict[str, Any]:
    rows = [
        feature_dict(row) for row in fetch(conn, features_query(one=True), {"key": mention_key})
    ]
    if not rows:
        raise KeyError(f"mention {mention_key} is not in the store")
    return rows[0]


def resolve_mention(
    conn: Connection,
    model: LinkageModel,
    mention_key: str,
    record_key: str,
    *,
    threshold: float,
    review_threshold: float,
    features: Mapping[str, Any] | None = None,
    sizes: tuple[int, ...] | None = None,
) -> tuple[Decision, list[tuple[str, str, float, list[str]]]]:
    """Decide the entity of one stored mention; return the decision and pairs to queue.

    The declared rules (:mod:`.joins`) in the order batch applies them: a person one of whose
    members the mention contradicts is refused (the pair goes to review, reason first); the
    mention joins the best person left at or above ``threshold``, and any other person it links
    to at that strength joins too (batch's connected components) unless the two contradict
    each other: then, if its links to both are of like strength, it joins neither and waits
    for a reviewer (:func:`_rival`)."""
    if features is None:  # the caller may have read it with the record's other mentions
        features = _features_for(conn, mention_key)
    found = candidates(conn, features, exclude_record=record_key, sizes=sizes)
    if not found.rows:
        return Decision(mention_key, "new", "", None, None, [], 0), []
    scored = [_scored(model, features, candidate) for candidate in found.rows]
    entity_of = found.entity_of
    best: dict[str, _Scored] = {}
    for item in sorted(scored, key=lambda s: -s.weight):
        entity = entity_of.get(item.candidate["unique_id"])
        if entity is not None and entity not in best:
            best[entity] = item
    ranked = sorted(best.items(), key=lambda kv: -kv[1].weight)
    others = [(e, float(s.probability)) for e, s in ranked[1:6]]
    if not ranked or ranked[0][1].probability < review_threshold:
        return Decision(mention_key, "new", "", None, None, [], len(found.rows), others), []
    considered = [(e, s) for e, s in ranked if s.probability >= review_threshold]
    members = _member_features(conn, [e for e, _s in considered])
    queue: list[tuple[str, str, float, list[str]]] = []
    kept: list[tuple[str, _Scored]] = []
    held_apart: list[tuple[str, str, str, float, float, bool]] = []
    for entity, item in considered:
        clash = refusal([features], members.get(entity, ()))
        if clash is None:
            kept.append((entity, item))
            continue
        fellows = members.get(entity, ())
        named = mention_words(
            conn, [str(features["unique_id"]), *(str(m["unique_id"]) for m in fellows)]
        )
        apart = _fits_both(model, features, entity, item, fellows, threshold, named)
        if apart is not None:
            partner, why, own, joins = apart
            held_apart.append((str(item.candidate["unique_id"]), partner, f"{why} ({clash.why})",
                               float(item.probability), own, joins))  # fmt: skip
        other = item.row(features)
        queue.append(
            (mention_key, other["unique_id_r"], float(item.probability),
             [clash.sentence, *explain_pair(model, other)])
        )  # fmt: skip
    if not kept:
        top_row = ranked[0][1].row(features)
        evidence = queue[0][3]
        decision = Decision(
            mention_key, "review", "", float(ranked[0][1].probability),
            top_row["unique_id_r"], evidence, len(found.rows), others,
            rule=rule("fits-two-people").name if held_apart else None, held_apart=held_apart,
        )  # fmt: skip
        return decision, queue
    entity, top = kept[0]
    row = top.row(features)
    probability = float(top.probability)
    evidence = explain_pair(model, row)
    merged: list[str] = []
    rival: str | None = None
    if probability >= threshold:
        merged, rival = _links_beyond(conn, kept, members, threshold)
    for other_entity, item in kept[1:]:
        if other_entity in merged:
            continue
        other = item.row(features)
        queue.append(
            (mention_key, other["unique_id_r"], float(item.probability),
             explain_pair(model, other))
        )  # fmt: skip
    made_by: str | None = None
    provisional = False
    if rival is not None:  # it fits two people about as well: which one is for a reviewer
        outcome, entity, merged = "review", "", []
        made_by = rule("fits-two-people").name
        evidence = [*evidence, rival]
        queue.insert(0, (mention_key, row["unique_id_r"], probability, evidence))
    elif probability >= threshold:
        outcome, made_by = "joined", rule("model-link").name
        if merged:
            evidence = [*evidence, _merged_sentence(entity, merged)]
    elif _sole_bearer(conn, features, entity, scored, entity_of, review_threshold):
        sole = rule("only-dated-person-of-the-name")
        outcome, made_by = "joined", sole.name
        provisional = _provisional(sole, top)
        sentence = provisional_sentence if provisional else sole_bearer_sentence
        evidence = [*evidence, sentence(features)]
    else:
        outcome, entity = "review", ""
        queue.insert(0, (mention_key, row["unique_id_r"], probability, evidence))
    decision = Decision(
        mention_key,
        outcome,
        entity,
        probability,
        row["unique_id_r"],
        evidence,
        len(found.rows),
        others,
        merged,
        made_by,
        held_apart,
        provisional,
    )
    return decision, queue


def _fits_both(
    model: LinkageModel,
    features: Mapping[str, Any],
    entity: str,
    item: _Scored,
    members: Sequence[Mapping[str, Any]],
    threshold: float,
    named: Callable[[str], str] = str,
) -> tuple[str, str, float, bool] | None:
    """Whether the member of ``entity`` the new mention links to at the match threshold,
    though another member contradicts the new mention, fits two people who cannot be one:
    (the fellow member it is most surely linked to, why, that link's probability, whether it
    fits the new mention far better and joins it), or None.

    Batch's rule (:func:`.clustering._ambiguous`), applied as the records arrive: a mention
    whose strongest link into its own person does not beat its link to someone that person
    cannot be by more than :data:`.clustering.AMBIGUITY_MARGIN` is held apart from both, and
    one whose link to the other beats the link into its own person by more than that margin is
    the other's (batch links the strongest first). A "Pawel Nowak" recorded by name alone
    joined the one Pawel Nowak on record (born 1981); a Pawel Nowak born 1990 arrives, recorded
    at the address the first record gives: batch, seeing all three, would make the name-only
    record his. A crime's mention is its incident's person by lineage, stronger than any
    margin, and stays."""
    if item.probability < threshold:
        return None
    mention = item.candidate
    key = str(mention["unique_id"])
    if key.startswith("crime:"):
        return None
    others = [m for m in members if str(m["unique_id"]) != key]
    if not others or refusal([mention], others) is not None:
        return None
    own, partner = max(
        (score_pair_levels(model, mention, other)[0], str(other["unique_id"])) for other in others
    )
    if own - item.weight > AMBIGUITY_MARGIN:
        return None
    weights = f"match weights {own:+.1f} and {item.weight:+.1f}"
    new = named(str(features["unique_id"]))
    if item.weight - own > AMBIGUITY_MARGIN:
        why = (
            f"{named(key)} fits {new} far better than {entity} ({weights}), who "
            "cannot be one person: it is moved to the person of the first"
        )
        return partner, why, float(match_probability(own)), True
    why = (
        f"{named(key)} fits both {entity} and {new} ({weights}), who cannot be "
        "one person, so it is held apart for a reviewer"
    )
    return partner, why, float(match_probability(own)), False


def _member_features(conn: Connection, entities: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The feature rows of every member of each of ``entities``."""
    if not entities:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for row in fetch(conn, _member_feature_rows(), {"keys": sorted(set(entities))}):
        found.setdefault(row.entity_id, []).append(feature_dict(row))
    return found


@cache
def _member_feature_rows() -> Select[Any]:
    """The feature rows of the members of the entities ``keys``, each with its entity (one
    statement: the members and their features joined)."""
    em = t.entity_members
    columns = (MF.c.mention_key, *(MF.c[c] for c in STORED_FEATURE_COLUMNS), em.c.entity_id)
    return (
        select(*columns)
        .select_from(em)
        .join(MF, MF.c.mention_key == em.c.mention_key)
        .where(em.c.entity_id.in_(bindparam("keys", expanding=True)))
    )


@cache
def _judged_different() -> Select[Any]:
    j = t.judgements
    keys: Any = bindparam("keys", expanding=True)
    return (
        select(j.c.mention_a, j.c.mention_b, j.c.judgement)
        .where(j.c.mention_a.in_(keys), j.c.mention_b.in_(keys))
        .order_by(j.c.id)
    )


def _cannot_link(conn: Connection, keys: Sequence[str]) -> set[frozenset[str]]:
    """Pairs among ``keys`` whose latest judgement is "different"."""
    latest: dict[frozenset[str], str] = {}
    for row in fetch(conn, _judged_different(), {"keys": sorted(set(keys))}):
        latest[frozenset((row.mention_a, row.mention_b))] = row.judgement
    return {pair for pair, judgement in latest.items() if judgement == "different"}


def _links_beyond(
    conn: Connection,
    kept: Sequence[tuple[str, _Scored]],
    members: Mapping[str, Sequence[Mapping[str, Any]]],
    threshold: float,
) -> tuple[list[str], str | None]:
    """The other people the mention links to at or above ``threshold`` that join the first
    with it (batch's connected components: nothing in one contradicts the other, no reviewer
    split them), strongest first; and why it is held for a reviewer instead, if it fits as well
    a person who cannot be the first (:func:`_rival`)."""
    strong = [(e, s) for e, s in kept[1:] if s.probability >= threshold and e in members]
    if not strong:
        return [], None
    (first, top) = kept[0]
    group = list(members.get(first, ()))
    keys = [str(r["unique_id"]) for e, _s in (kept[0], *strong) for r in members.get(e, ())]
    judged = _cannot_link(conn, keys)
    merged: list[str] = []
    for entity, item in strong:
        clash = refusal(members[entity], group, judged)
        if clash is None:
            merged.append(entity)
            group.extend(members[entity])
            continue
        rival = _rival([(first, top), (entity, item)], threshold)
        if rival is not None:
            return [], f"{rival} ({clash.why})"
    return merged, None


def _merged_sentence(entity: str, merged: Sequence[str]) -> str:
    return (
        f"also linked at the match threshold to {', '.join(merged)}, whose records contradict "
        f"none of {entity}'s: one person, as batch resolution would make them"
    )


def _rival(ranked: Sequence[tuple[str, _Scored]], threshold: float) -> str | None:
    """Why a mention matching two people who cannot be one at or above ``threshold`` joins
    neither, or None.

    As in batch (:func:`.clustering._ambiguous`), a mention whose best links to two people are
    within :data:`.clustering.AMBIGUITY_MARGIN` of each other is held apart: a "Darren Jones"
    with no date of birth at the house of a father and son of that name. The caller has found
    that the two contradict (or a reviewer split them); two that do not are one person."""
    if len(ranked) < 2:
        return None
    (best, top), (second, runner) = ranked[0], ranked[1]
    if runner.probability < threshold or top.weight - runner.weight > AMBIGUITY_MARGIN:
        return None
    return (
        f"fits both {best} and {second} (match weights {top.weight:+.1f} and "
        f"{runner.weight:+.1f}), so it is held for a reviewer"
    )


@cache
def _dated_namesakes() -> Select[Any]:
    em = t.entity_members
    return (
        select(
            em.c.mention_key, em.c.entity_id, MF.c.forename, MF.c.forename_canonical, MF.c.surname
        )
        .join(MF, MF.c.mention_key == em.c.mention_key)
        .where(
            MF.c.forename_canonical == bindparam("forename"),
            MF.c.surname_phonetic == bindparam("phonetic"),
            MF.c.surname == bindparam("surname"),
            MF.c.dob_year.is_not(None),
        )
    )


def _sole_bearer(
    conn: Connection,
    features: Mapping[str, Any],
    entity: str,
    scored: Sequence[_Scored],
    entity_of: Mapping[str, str],
    review_threshold: float,
) -> bool:
    """Whether the new mention joins ``entity`` by the batch rule, decided by the same function
    (:func:`.namesakes.sole_bearer_joins`) on what the store holds around it: the mention as a
    person of its own, its scored candidates in their people, every member of ``entity``, and
    every mention of its name with a date of birth in the store, in theirs."""
    name = name_key(features)
    if features.get("dob_year") is not None or name is None:
        return False
    key = str(features["unique_id"])
    params = {"forename": name[0], "surname": name[1], "phonetic": features["surname_phonetic"]}
    namesakes = fetch(conn, _dated_namesakes(), params).all()
    members = [row.mention_key for row in fetch(conn, _members_of_entities(), {"keys": [entity]})]
    rows: dict[str, Mapping[str, Any]] = {
        str(s.candidate["unique_id"]): s.candidate for s in scored
    }
    rows.update({str(r["unique_id"]): r for r in feature_rows(conn, members)})
    rows[key] = features
    clusters = {k: entity_of[k] for k in rows if k in entity_of}
    clusters.update({k: entity for k in members})
    clusters.update({r.mention_key: r.entity_id for r in namesakes})
    # a provisional join is, to batch, a name-only mention of its own
    clusters.update({k: k for k in _provisional_members(conn, sorted(clusters))})
    clusters[key] = key
    names = {k: name_key(row) for k, row in rows.items()}
    names.update({r.mention_key: name_of(r.forename, r.forename_canonical, r.surname)
                  for r in namesakes})  # fmt: skip
    dated = {k for k, row in rows.items() if row.get("dob_year") is not None}
    dated.update(r.mention_key for r in namesakes)
    joins = sole_bearer_joins(
        ((key, str(s.candidate["unique_id"]), float(s.probability)) for s in scored),
        clusters,
        names,
        dated,
        lambda keys: {k: rows[k] for k in keys},
        _cannot_link(conn, sorted(clusters)),
        review_threshold,
    )
    return any(join.source == key and join.target == entity for join in joins)


def _provisional(join_rule: JoinRule, top: _Scored) -> bool:
    """Whether call time makes a join by ``join_rule`` resting on the pair ``top``
    provisionally (:attr:`.joins.JoinRule.provisional_at_call_time`)."""
    held = join_rule.provisional_at_call_time
    return held is not None and held.when(
        level.comparison for level, weight in top.parts if weight > 0
    )


@cache
def _provisional_of() -> Select[Any]:
    em = t.entity_members
    return select(em.c.mention_key).where(
        em.c.mention_key.in_(bindparam("keys", expanding=True)),
        em.c.assigned_by == PROVISIONAL,
    )


def _provisional_members(conn: Connection, keys: Sequence[str]) -> set[str]:
    """Those of ``keys`` joined provisionally at call time."""
    if not keys:
        return set()
    return set(fetch(conn, _provisional_of(), {"keys": list(keys)}).scalars())


@cache
def _provisional_namesakes() -> Select[Any]:
    em, m = t.entity_members, t.mentions
    return (
        select(
            em.c.mention_key, em.c.entity_id, m.c.record_key, MF.c.forename_canonical, MF.c.surname
        )
        .join(MF, MF.c.mention_key == em.c.mention_key)
        .join(m, m.c.mention_key == em.c.mention_key)
        .where(
            em.c.assigned_by == PROVISIONAL,
            MF.c.forename_canonical.in_(bindparam("forenames", expanding=True)),
            MF.c.surname.in_(bindparam("surnames", expanding=True)),
        )
        .order_by(em.c.mention_key)
    )


def _undo_provisional(
    conn: Connection,
    model: LinkageModel,
    arrived: Sequence[Mapping[str, Any]],
    number: int,
    now: datetime,
    review_threshold: float,
    before: Sequence[tuple[Any, Mapping[str, Any]]] = (),
) -> int:
    """Undo the provisional joins (:attr:`.joins.JoinRule.provisional_at_call_time`) of
    namesakes of the mentions that ``arrived`` that batch's rule no longer makes, decided by
    the rule's own function (:func:`_sole_bearer`) on the store as it now stands: a namesake
    with a date of birth in another person, or one without who could also be that person (a
    link in the review band to the provisional mention), and the name alone no longer says
    which. Each is moved to a person of its own, with a ``split`` event by call time in the
    person's history, and the pair queued for a reviewer; return the next free entity number.
    ``before``: writes (statements and parameters) to send first, with its read of the
    namesakes (one round trip on PostgreSQL)."""
    mine = {str(row["unique_id"]) for row in arrived}
    named = [(row, name) for row in arrived if (name := name_key(row)) is not None]
    if not named:
        fetch_together(conn, before)
        return number
    # every name's provisional namesakes in one statement, then each name's own
    params = {
        "forenames": sorted({name[0] for _row, name in named}),
        "surnames": sorted({name[1] for _row, name in named}),
    }
    namesakes: dict[tuple[str, str], list[Any]] = {}
    *_written, provisional = fetch_together(conn, [*before, (_provisional_namesakes(), params)])
    for held in provisional:
        namesakes.setdefault((held.forename_canonical, held.surname), []).append(held)
    undone: set[str] = set()  # no longer provisional: a later mention of the name skips it
    for row, name in named:
        for held in namesakes.get(name, ()):
            if held.mention_key in mine or held.mention_key in undone:
                continue
            features = _features_for(conn, held.mention_key)
            found = candidates(conn, features, exclude_record=held.record_key)
            scored = [_scored(model, features, c) for c in found.rows]
            if _sole_bearer(
                conn, features, held.entity_id, scored, found.entity_of, review_threshold
            ):
                continue
            why = undone_sentence(held.mention_key, held.entity_id, str(row["unique_id"]))
            entity = format_entity_id(number)
            number += 1
            name_row = fetch(conn, _label_of_mention(), {"key": held.mention_key}).first()
            labels = {entity: _label(name_row.forenames, name_row.surname) if name_row else ""}
            apply_memberships_for(
                conn, {held.mention_key: Membership(entity, None, [why])}, labels, now
            )
            conn.execute(
                t.entity_events.insert().values(
                    at=now, action="split", entity_id=held.entity_id,
                    mention_keys=[held.mention_key], by=CALL_TIME, note=f"{why}; moved to {entity}",
                )
            )  # fmt: skip
            undone.add(held.mention_key)
            link = float(_scored(model, features, row).probability)
            queue_pairs(conn, [(held.mention_key, str(row["unique_id"]), link, [why])], now)
    return number


def resolve_record(
    conn: Connection,
    model: LinkageModel,
    record_key: str,
    now: datetime,
    *,
    threshold: float,
    review_threshold: float,
) -> list[Decision]:
    """Resolve every person in a stored record, in the caller's transaction."""
    # the record's mentions, their feature rows and the highest entity id in one round trip
    mentions, stored, highest = fetch_together(
        conn,
        [
            (_mentions_of_record(), {"record": record_key}),
            (record_features_query(), {"record": record_key}),
            (highest_entity(), {}),
        ],
    )
    role_of = {row.mention_key: row.role for row in mentions}
    name_of = {row.mention_key: _label(row.forenames, row.surname) for row in mentions}
    mention_keys = list(role_of)
    arrived = sorted(map(feature_dict, stored), key=lambda row: str(row["unique_id"]))
    features_of = {str(row["unique_id"]): row for row in arrived}
    # every person's blocks counted in one statement (resolving one writes no feature rows)
    sizes_of = dict(zip(features_of, block_sizes(conn, list(features_of.values())), strict=True))
    decisions: list[Decision] = []
    queue: list[tuple[str, str, float, list[str]]] = []
    number = number_after(highest.scalar())
    into: dict[str, str] = {}  # people merged away while resolving this record, and where to
    labels: dict[str, str] = {}
    recorded_from = _lineage(conn, record_key)
    for mention_key in mention_keys:
        decision, pairs = resolve_mention(
            conn,
            model,
            mention_key,
            record_key,
            threshold=threshold,
            review_threshold=review_threshold,
            features=features_of.get(mention_key),
            sizes=sizes_of.get(mention_key),
        )
        if mention_key in recorded_from:
            # Joined by lineage: the model's links add to it, and its unsure pairs are not queued.
            decision, pairs = _and_model_links(conn, recorded_from[mention_key], decision), []
        if decision.outcome != "joined":
            entity = format_entity_id(number)
            number += 1
            decision = replace(decision, entity_id=entity)
            labels[entity] = name_of[mention_key]
        if decision.entity_id in into:  # an earlier mention of the record merged it away
            decision = replace(decision, entity_id=_root(into, decision.entity_id))
        # Written at once, so the record's next mention is checked against this one too.
        membership = Membership(
            decision.entity_id,
            decision.probability,
            decision.evidence if decision.outcome == "joined" else None,
        )
        by = PROVISIONAL if decision.provisional else CALL_TIME
        apply_memberships_for(conn, {mention_key: membership}, labels, now, by=by, keep=False)
        _merge(conn, decision, into, now)
        number = _hold_apart(conn, decision, number, now)
        decisions.append(decision)
        queue.extend(pairs)
    # an incident's people kept once all are written, sent with the next read
    rewrite = parties_rewrite([record_key])
    number = _undo_provisional(conn, model, arrived, number, now, review_threshold, rewrite)
    if queue:
        queue_pairs(conn, queue, now)
    unsure = [d.mention_key for d in decisions if d.outcome in ("new", "review")]
    by_victim: list[Inferred] = []
    if any(role_of[m] == "victim" for m in unsure if m in role_of):
        of_suspects, known = victim_mention_rows(conn, record_key, role="suspect")
        by_victim = _suspects_by_victim(conn, unsure, of_suspects, known, subject="victim")
        by_victim = _guarded(conn, by_victim)
        if by_victim:
            apply_inferences(conn, by_victim, now, by=victims.INFERENCE)
    if not by_victim and not _may_infer_suspects([mention_row(r) for r in mentions], unsure):
        return decisions
    rows, entity_of = victim_mention_rows(conn, record_key)
    by_suspect = _guarded(conn, _suspects_by_victim(conn, unsure, rows, entity_of))
    by_victim += by_suspect
    if by_suspect:
        apply_inferences(conn, by_suspect, now, by=victims.INFERENCE)
        entity_of.update({i.mention_key: i.entity_id for i in by_suspect})
    mine = set(mention_keys)
    inferred = [i for i in infer_ex_partners(rows, entity_of) if i.mention_key in mine]
    inferred = _guarded(conn, inferred)
    if inferred:
        apply_inferences(conn, inferred, now)
    made_by = {i.mention_key: rule("her-ex").name for i in inferred}
    made_by.update({i.mention_key: rule("suspect-through-victim").name for i in by_victim})
    inferred += by_victim
    if inferred:
        by_mention = {i.mention_key: i for i in inferred}
        decisions = [
            Decision(
                d.mention_key,
                "inferred",
                by_mention[d.mention_key].entity_id,
                None,
                None,
                by_mention[d.mention_key].evidence,
                d.candidates,
                d.other_entities,
                rule=made_by[d.mention_key],
            )
            if d.mention_key in by_mention
            else d
            for d in decisions
        ]
    return decisions


def _and_model_links(conn: Connection, lineage: Decision, modelled: Decision) -> Decision:
    """A crime's mention joined to its incident's person by lineage, and also linked by the
    model to other people: as in batch, where lineage is one more edge among the model's, those
    people are the same person too, unless one of their members contradicts one of the
    lineage person's or the mention (the crime may carry what the incident lacked: an address,
    a date of birth)."""
    if modelled.outcome != "joined":
        return lineage
    others = [e for e in (modelled.entity_id, *modelled.merged) if e != lineage.entity_id]
    if not others:
        return lineage
    members = _member_features(conn, [lineage.entity_id, *others])
    group = [*members.get(lineage.entity_id, ()), _features_for(conn, lineage.mention_key)]
    keys = [str(r["unique_id"]) for rows in members.values() for r in rows]
    judged = _cannot_link(conn, keys)
    merged = []
    for entity in others:
        if refusal(members.get(entity, ()), group, judged) is None:
            merged.append(entity)
            group.extend(members.get(entity, ()))
    if not merged:
        return lineage
    return Decision(
        lineage.mention_key,
        lineage.outcome,
        lineage.entity_id,
        lineage.probability,
        lineage.matched_mention,
        [*lineage.evidence, *modelled.evidence[:1], _merged_sentence(lineage.entity_id, merged)],
        modelled.candidates,
        modelled.other_entities,
        merged,
        lineage.rule,
    )


def _root(into: Mapping[str, str], entity: str) -> str:
    while entity in into:
        entity = into[entity]
    return entity


def _merge(conn: Connection, decision: Decision, into: dict[str, str], now: datetime) -> None:
    """Fold the people ``decision`` merged into the person it joined, each only if, as the
    store now stands, no member of one contradicts a member of the other; ``into`` records
    each person merged away and where to, for the record's later mentions."""
    for gone in decision.merged:
        keep, going = _root(into, decision.entity_id), _root(into, gone)
        if keep == going:
            continue
        members = _member_features(conn, [keep, going])
        if refusal(members.get(going, ()), members.get(keep, ())) is not None:
            continue
        note = f"{decision.mention_key} links to both ({rule('model-link').name})"
        merge_entities(conn, keep, going, now, CALL_TIME, note)
        into[going] = keep


@cache
def _label_of_mention() -> Select[Any]:
    m = t.mentions
    return select(m.c.forenames, m.c.surname).where(m.c.mention_key == bindparam("key"))


def _hold_apart(conn: Connection, decision: Decision, number: int, now: datetime) -> int:
    """Move each member ``decision`` found to fit two people (:func:`_fits_both`) out of its
    person into one of its own, saying why in both people's history, and queue it with both;
    return the next free entity number."""
    for mention, partner, why, to_new, to_own, joins in decision.held_apart:
        left = fetch(conn, _entities_of_mentions(), {"keys": [mention]}).first()
        if left is None or left.entity_id == decision.entity_id:
            continue
        labels: dict[str, str] = {}
        if joins:
            entity = decision.entity_id
        else:
            entity = format_entity_id(number)
            number += 1
            name = fetch(conn, _label_of_mention(), {"key": mention}).first()
            labels[entity] = _label(name.forenames, name.surname) if name else ""
        apply_memberships_for(conn, {mention: Membership(entity, None, [why])}, labels, now)
        conn.execute(
            t.entity_events.insert().values(
                at=now, action="split", entity_id=left.entity_id, mention_keys=[mention],
                by=CALL_TIME, note=f"{why}; moved to {entity}",
            )
        )  # fmt: skip
        pairs = [(mention, partner, to_own, [why])]
        if not joins:
            pairs.append((mention, decision.mention_key, to_new, [why]))
        queue_pairs(conn, pairs, now)
    return number


def _guarded(conn: Connection, inferred: Sequence[Inferred]) -> list[Inferred]:
    """The inferences whose mention contradicts no member of the person it would join
    (:func:`.joins.refusal`, the guard of every rule)."""
    if not inferred:
        return []
    members = _member_features(conn, [i.entity_id for i in inferred])
    mine = {r["unique_id"]: r for r in feature_rows(conn, [i.mention_key for i in inferred])}
    return [
        i
        for i in inferred
        if i.mention_key not in mine
        or refusal([mine[i.mention_key]], members.get(i.entity_id, ())) is None
    ]


def _may_infer_suspects(mentions: Sequence[MentionRow], unsure: Sequence[str]) -> bool:
    """Whether the victims' records could place a suspect of this record: one the model did
    not join (:func:`_suspects_by_victim`), or a nameless "her ex" (:func:`infer_ex_partners`)."""
    pending = set(unsure)
    return any(
        row.role == "suspect" and (row.mention_key in pending or describes_ex_partner(row))
        for row in mentions
    )


def _suspects_by_victim(
    conn: Connection,
    unsure: Sequence[str],
    rows: Sequence[MentionRow],
    entity_of: Mapping[str, str],
    subject: str = "suspect",
) -> list[Inferred]:
    """New suspects, not joined by the model, who fit the one suspect of their name already
    recorded against the same victim (:mod:`.victims`); with ``subject="victim"``, new victims
    who fit the one victim of their name recorded of the same suspect (``rows`` then hold the
    records of the new record's suspects)."""
    wanted = set(unsure)
    new = {r.mention_key for r in rows if r.mention_key in wanted and r.role == subject}
    if not new:
        return []
    known = {
        entity_of[r.mention_key]
        for r in rows
        if r.role == subject and r.mention_key in entity_of and r.mention_key not in new
    }
    if not known:
        return []
    anchor = "victim" if subject == "suspect" else "suspect"
    anchors = {entity_of[r.mention_key] for r in rows if r.role == anchor
               and r.mention_key in entity_of}  # fmt: skip
    # the known people's members, the anchors' labels and which records target someone: one
    # round trip
    reads = [(_members_of_entities(), {"keys": sorted(known)})]
    reads.append((_entity_labels(), {"keys": sorted(anchors)}))
    if subject != "victim":
        reads.append(victims.targeting_read(r.record_key for r in rows))
    member_rows, label_rows, *targeting_rows = fetch_together(conn, reads)
    members_of: dict[str, list[str]] = {}
    for row in member_rows:
        members_of.setdefault(row.entity_id, []).append(row.mention_key)
    keys = sorted(new | {m for keys in members_of.values() for m in keys})
    features = {row["unique_id"]: row for row in feature_rows(conn, keys)}
    labels = {row.id: row.label for row in label_rows if row.label}
    if subject == "victim":
        joins = victims.new_suspect_joins(
            new, rows, entity_of, features, members_of, labels, subject="victim"
        )
        return [Inferred(m, join.target, join.evidence) for m, join in sorted(joins.items())]
    targeting = set(targeting_rows[0].scalars())
    joins = victims.new_suspect_joins(new, rows, entity_of, features, members_of, labels, targeting)
    return [Inferred(m, join.target, join.evidence) for m, join in sorted(joins.items())]


def _lineage(conn: Connection, record_key: str) -> dict[str, Decision]:
    """A crime's people who are, by :mod:`.lineage`, people of the incident it came from,
    joined to that mention's entity."""
    if not record_key.startswith("crime:"):
        return {}
    pairs = record_lineage_rows(conn, record_key)
    keys = sorted({k for p in pairs for k in (*p.crime_mentions, *p.incident_mentions)})
    links: list[LineageLink] = links_for(
        pairs, {row["unique_id"]: row for row in feature_rows(conn, keys)}
    )
    if not links:
        return {}
    rows = fetch(conn, _entities_of_mentions(), {"keys": [link.incident_mention for link in links]})
    entity_of = {r.mention_key: r.entity_id for r in rows}
    members = _member_features(conn, sorted(set(entity_of.values())))
    mine = {r["unique_id"]: r for r in feature_rows(conn, [link.crime_mention for link in links])}
    return {
        link.crime_mention: Decision(
            link.crime_mention,
            "joined",
            entity_of[link.incident_mention],
            1.0,
            link.incident_mention,
            link.evidence,
            1,
            rule=rule("crime-lineage").name,
        )
        for link in links
        if link.incident_mention in entity_of
        and refusal([mine[link.crime_mention]], members.get(entity_of[link.incident_mention], ()))
        is None
    }


def _label(forenames: str | None, surname: str | None) -> str:
    """A new entity's label: the name as first written."""
    return " ".join(p for p in (forenames, surname) if p).title()


def apply_memberships_for(
    conn: Connection,
    memberships: Mapping[str, Membership],
    labels: Mapping[str, str],
    now: datetime,
    by: str = CALL_TIME,
    keep: bool = True,
) -> None:
    """Write call-time memberships without touching the rest of the store's entities (and,
    unless ``keep`` is false, the kept parties of the incidents they are in)."""
    apply_memberships(conn, memberships, labels, now, by=by, partial=True, keep=keep)
