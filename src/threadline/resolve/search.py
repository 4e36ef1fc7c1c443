"""Person search with the resolver's own judgement: a query is scored as if it were a mention.

A call handler types what the caller says (a name, perhaps a date of birth, a phone number, a
postcode). :func:`search_people` turns that into the model's features with
:func:`~threadline.features.features_of`, fetches candidate mentions through the same
indexed keys call-time resolution uses (:func:`~threadline.resolve.candidates.candidates`),
scores them with the same linkage model (:func:`~threadline.resolve.linkage.score_pairs`) and
returns the resolved people behind the best-scoring mentions, each with its evidence in words.
So "Jon Smyth, 07700 900123" finds Jonathan Smith for the same reasons resolution would join
them, and a search never contradicts what the person view says.

When only a surname (and perhaps a forename) is given, the blocking keys may find nothing; the
search then falls back to every mention whose surname sounds the same
(:data:`SURNAME_FALLBACK_LIMIT` at most), still ranked by the model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, distinct, func, select

from threadline.features import features_of
from threadline.normalise.postcodes import outward_code
from threadline.resolve.batch import MATCH_THRESHOLD, REVIEW_THRESHOLD
from threadline.resolve.candidates import candidates, feature_rows
from threadline.resolve.explain import explain_pair
from threadline.resolve.linkage import LinkageModel, score_pairs
from threadline.store import tables as t

__all__ = ["PersonQuery", "SearchError", "SearchHit", "search_people"]

QUERY_ID = "search:query"
#: At most this many mentions are scored on a surname that sounds the same.
SURNAME_FALLBACK_LIMIT = 2000
#: At most this many candidate mentions are scored for one query.
CANDIDATE_LIMIT = 5000


class SearchError(ValueError):
    """A query that cannot be searched; ``field`` names the input at fault."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PersonQuery:
    """What is known about the person sought; any field may be left out. ``dob`` may be
    partial (``1984`` or ``1984-03``)."""

    forenames: str | None = None
    surname: str | None = None
    dob: str | None = None
    phone: str | None = None
    postcode: str | None = None
    email: str | None = None

    def features(self) -> dict[str, Any]:
        """The query as a mention's features; :class:`SearchError` naming a field given but not
        understood (a phone that is not a phone number, say)."""
        given = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(self).items()}
        given = {k: v for k, v in given.items() if v}
        features = features_of(
            {
                "mention_id": QUERY_ID,
                "forenames": given.get("forenames"),
                "surname": given.get("surname"),
                "dob": given.get("dob"),
                "postcode": given.get("postcode"),
                "phones": [given["phone"]] if "phone" in given else [],
                "emails": [given["email"]] if "email" in given else [],
            }
        )
        understood = {
            "forenames": features["forename"],
            "surname": features["surname"],
            "dob": features["dob_year"],
            "phone": features["phones"],
            "postcode": features["postcode"],
            "email": features["emails"],
        }
        for name, value in given.items():
            if not understood[name]:
                raise SearchError(name, f"{value!r} is not a {_NOUNS[name]} the search can use")
        return features


_NOUNS = {
    "forenames": "forename",
    "surname": "surname",
    "dob": "date of birth (YYYY-MM-DD, YYYY-MM or YYYY)",
    "phone": "phone number",
    "postcode": "UK postcode",
    "email": "e-mail address",
}
NEEDED = (
    "give a surname, a phone number or an e-mail address, or a forename with a date of birth "
    "or a postcode"
)


@dataclass(frozen=True)
class SearchHit:
    """One resolved person the query may be: the best-scoring of their mentions, the model's
    probability for it and why, and how many records they appear in.

    ``confidence`` says the probability in words (:func:`confidence_in_words`; the strongest
    piece of evidence, after the summary line, is ``evidence[1]``); ``dob``, ``last_seen``
    and ``area`` (the postcode district of their latest known address, and ``area_role`` the
    role they had in that record, for disclosure) are what tells two people of one name
    apart."""

    entity_id: str
    label: str | None
    probability: float
    evidence: list[str]
    records: int
    matched_mention: str
    confidence: str = ""
    dob: str | None = None
    last_seen: str | None = None
    area: str | None = None
    area_role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def confidence_in_words(probability: float) -> str:
    """The model's probability as a call handler would say it, at the two thresholds resolution
    acts on: at or above :data:`MATCH_THRESHOLD` batch resolution would join the two ("very
    likely"), at or above :data:`REVIEW_THRESHOLD` it would ask a reviewer ("possibly"), and
    below it would keep them apart ("unlikely")."""
    if probability >= MATCH_THRESHOLD:
        return "very likely the same person"
    if probability >= REVIEW_THRESHOLD:
        return "possibly the same person"
    return "unlikely to be the same person"


@dataclass(frozen=True)
class _Known:
    dob: str | None
    last_seen: str | None
    area: str | None
    area_role: str | None


def _known(conn: Connection, ids: list[str]) -> dict[str, _Known]:
    """Per person: the date of birth most of their records give (the latest on a tie), the day
    of their latest record, and the postcode district of their latest record with a postcode."""
    em, m = t.entity_members, t.mentions
    rows: dict[str, list[Any]] = {}
    for r in conn.execute(
        select(em.c.entity_id, m.c.dob, m.c.postcode, m.c.event_time, m.c.role)
        .join(m, m.c.mention_key == em.c.mention_key)
        .where(em.c.entity_id.in_(ids))
        .order_by(m.c.event_time)
    ):
        rows.setdefault(r.entity_id, []).append(r)
    known = {}
    for entity, mentions in rows.items():
        dobs = Counter(r.dob for r in mentions if r.dob)
        dob = max(dobs, key=lambda d: (dobs[d], d)) if dobs else None
        placed = [r for r in mentions if outward_code(r.postcode)]
        latest = placed[-1] if placed else None
        known[entity] = _Known(
            dob=dob,
            last_seen=mentions[-1].event_time.date().isoformat(),
            area=outward_code(latest.postcode) if latest else None,
            area_role=latest.role if latest else None,
        )
    return known


def _usable(features: dict[str, Any]) -> bool:
    forename = features["forename"] is not None
    return bool(
        features["surname"]
        or features["phones"]
        or features["emails"]
        or (forename and (features["dob"] or features["postcode"]))
    )


def _candidates(conn: Connection, features: dict[str, Any]) -> list[dict[str, Any]]:
    """Candidate feature rows: call time's (read with their features in one pass), else those
    of the surname's sound-alikes."""
    rows = candidates(conn, features, exclude_record=None).rows
    if not rows and features["surname_phonetic"]:
        mf = t.mention_features
        keys = list(
            conn.execute(
                select(mf.c.mention_key)
                .where(mf.c.surname_phonetic == features["surname_phonetic"])
                .order_by(mf.c.mention_key)
                .limit(SURNAME_FALLBACK_LIMIT)
            ).scalars()
        )
        rows = feature_rows(conn, keys[:CANDIDATE_LIMIT])
    return rows[:CANDIDATE_LIMIT]


def search_people(
    conn: Connection, model: LinkageModel, query: PersonQuery, limit: int = 20
) -> list[SearchHit]:
    """The people ``query`` may be, most probable first (at most ``limit``).

    :class:`SearchError` (a ``ValueError``) names what is needed when the query has nothing to
    search on, or the field given but not understood.
    """
    features = query.features()
    if not _usable(features):
        raise SearchError(None, NEEDED)
    rows = _candidates(conn, features)
    if not rows:
        return []
    scored = score_pairs(model, features, rows)
    em = t.entity_members
    entity_of: dict[str, str] = {}
    mention_keys = list(scored["unique_id_r"])
    for start in range(0, len(mention_keys), 500):
        members = conn.execute(
            select(em.c.mention_key, em.c.entity_id).where(
                em.c.mention_key.in_(mention_keys[start : start + 500])
            )
        )
        entity_of.update({r.mention_key: r.entity_id for r in members})
    best: dict[str, dict[str, Any]] = {}
    for row in scored.to_dict("records"):  # strongest first
        entity = entity_of.get(row["unique_id_r"])
        if entity is not None and entity not in best:
            best[entity] = row
            if len(best) >= limit:
                break
    if not best:
        return []
    ids = sorted(best)
    labels: dict[str, str | None] = {
        entity: label
        for entity, label in conn.execute(
            select(t.entities.c.id, t.entities.c.label).where(t.entities.c.id.in_(ids))
        )
    }
    m = t.mentions
    records: dict[str, int] = {
        entity: int(count)
        for entity, count in conn.execute(
            select(em.c.entity_id, func.count(distinct(m.c.record_key)))
            .join(m, m.c.mention_key == em.c.mention_key)
            .where(em.c.entity_id.in_(ids))
            .group_by(em.c.entity_id)
        )
    }
    known = _known(conn, ids)
    hits = []
    for entity, row in best.items():
        evidence = explain_pair(model, row)
        probability = float(row["match_probability"])
        facts = known.get(entity, _Known(None, None, None, None))
        hits.append(
            SearchHit(
                entity_id=entity,
                label=labels.get(entity),
                probability=probability,
                evidence=evidence,
                records=int(records.get(entity, 0)),
                matched_mention=str(row["unique_id_r"]),
                confidence=confidence_in_words(probability),
                dob=facts.dob,
                last_seen=facts.last_seen,
                area=facts.area,
                area_role=facts.area_role,
            )
        )
    return sorted(hits, key=lambda h: (-h.probability, h.entity_id))
