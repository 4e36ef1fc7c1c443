"""The person view: everything the force knows about one resolved person, and why it is one person.

:func:`person_profile` gathers, for one entity: every mention of them as written (with the
contact details the guard redacts per role), the timeline of every linked record, the orders
they are party to, their risk assessments with the trend, the open alerts that involve them, the
stored reason each mention was joined, and the entity's history of joins, merges and splits.
:func:`membership_evidence` re-scores each member against the member it was linked to, so the
screen can say in words why the records are one person even for members joined in a batch run
(whose stored evidence names only the member they were linked to, in ``linked_to``).

Disclosure to roles without contact-detail access
-------------------------------------------------
Decided once, in :mod:`threadline.guard.disclosure`: :func:`redact_profile`,
:func:`redact_picture`, :func:`redact_evidence`, :func:`redact_alerts` and
:func:`withhold_contact_evidence` are its answers under the names this module's callers use.
Evidence lines are :class:`~threadline.resolve.explain.Sentence` values that carry their data, so
the guard withholds a piece by its ``contact`` flag, not by its words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from threadline.crossref.actions import with_actions
from threadline.crossref.alerts import list_alerts
from threadline.crossref.history import records_of_entities
from threadline.crossref.picture import (
    NotFound,
    OrderView,
    TimelineEntry,
    orders_for,
    record_entries,
    roles_in,
)
from threadline.crossref.strip import FoldedAlert, StripItem, fold_alerts, summary_strip
from threadline.export.plain import plain
from threadline.guard import disclosure
from threadline.guard.disclosure import WITHHELD
from threadline.guard.policy import UserRole
from threadline.model import RiskAssessment, parse_record
from threadline.model.kinds import identifier_kinds
from threadline.resolve.candidates import feature_rows
from threadline.resolve.explain import (
    SUMMARY,
    Sentence,
    explain_pair,
    member_evidence,
    read_evidence,
)
from threadline.resolve.linkage import LinkageModel, score_pairs
from threadline.resolve.review import entity_history
from threadline.risk import AssessmentFacts, assessment_trend, graded_facts
from threadline.store import tables as t

__all__ = [
    "ProfileLoader",
    "AssessmentPoint",
    "MemberEvidence",
    "WITHHELD",
    "PersonProfile",
    "load_person_profile",
    "membership_evidence",
    "person_profile",
    "redact_alerts",
    "redact_evidence",
    "redact_picture",
    "redact_profile",
    "withhold_contact_evidence",
]

#: What the API reads a person with: ``(engine, entity_id) -> profile dict | None``, kept in
#: ``app.state.profile_loader`` (``create_app(..., profile_loader=...)``); routes pass what it
#: returns through :func:`redact_profile`, so it keeps contact details in the fields
#: :func:`threadline.guard.policy.contact_fields` names. The default is
#: :func:`load_person_profile`.
ProfileLoader = Callable[[Engine, str], dict[str, Any] | None]


@dataclass(frozen=True)
class AssessmentPoint:
    """One risk assessment of the person, graded, against the previous one on the same checklist."""

    ref: str
    checklist: str
    incident_ref: str
    assessed_at: datetime
    yes_count: int
    grade: str | None
    judgement_grade: str | None
    safety_plan: bool
    score_change: str
    grade_change: str
    trend: str
    grading_problem: str | None = None


@dataclass(frozen=True)
class MemberEvidence:
    """Why one mention belongs to its entity: the member it is most surely linked to, with the
    model's probability for that pair and the evidence in words (the first line a summary)."""

    mention_key: str
    linked_to: str | None
    probability: float | None
    evidence: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PersonProfile:
    """One resolved person (see the module docstring). ``mentions`` keep contact details in the
    fields :func:`threadline.guard.policy.contact_fields` names, for the guard to redact."""

    entity_id: str
    kind: str
    label: str | None
    mentions: list[dict[str, Any]]
    timeline: list[TimelineEntry]
    orders: list[OrderView]
    assessments: list[AssessmentPoint]
    alerts: list[dict[str, Any]]
    history: list[dict[str, Any]]
    record_keys: list[str] = field(default_factory=list)
    summary: list[StripItem] = field(default_factory=list)
    """The one line to read aloud (:func:`threadline.crossref.strip.summary_strip`)."""
    folded_alerts: list[FoldedAlert] = field(default_factory=list)
    """The open alerts, one entry per rule with its count, most severe first."""

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = plain(asdict(self))
        return result


def _mentions(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    m, em = t.mentions, t.entity_members
    rows = conn.execute(
        select(
            m,
            em.c.match_probability,
            em.c.evidence,
            em.c.linked_to,
            em.c.assigned_by,
            em.c.assigned_at,
        )
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(em.c.entity_id == entity_id)
        .order_by(m.c.event_time, m.c.mention_key)
    ).all()
    members: dict[str, dict[str, Any]] = {}
    for row in rows:
        r = row._mapping
        members[r["mention_key"]] = {
            "mention_key": r["mention_key"],
            "record_key": r["record_key"],
            "record_kind": r["record_kind"],
            "event_time": r["event_time"],
            "position": r["position"],
            "role": r["role"],
            "forenames": r["forenames"],
            "surname": r["surname"],
            "dob": r["dob"],
            "sex": r["sex"],
            "address_text": r["address_text"],
            "postcode": r["postcode"],
            "relationship_to_victim": r["relationship_to_victim"],
            "description": r["description"],
            **{kind.column: [] for kind in identifier_kinds()},
            "match_probability": r["match_probability"],
            "evidence": member_evidence(r["linked_to"], r["evidence"]),
            "assigned_by": r["assigned_by"],
            "assigned_at": r["assigned_at"],
        }
    keys = sorted(members)
    columns = {kind.name: kind.column for kind in identifier_kinds()}
    for start in range(0, len(keys), 500):
        objects = conn.execute(
            select(t.identifiers.c.mention_key, t.identifiers.c.kind, t.identifiers.c.raw)
            .where(t.identifiers.c.mention_key.in_(keys[start : start + 500]))
            .order_by(t.identifiers.c.id)
        )
        for obj in objects:
            member = members.get(obj.mention_key)
            if member is not None and obj.kind in columns:
                member[columns[obj.kind]].append(obj.raw)
    return list(members.values())


def _assessments(conn: Connection, record_keys: set[str]) -> list[AssessmentPoint]:
    keys = sorted(k for k in record_keys if k.startswith("risk_assessment:"))
    if not keys:
        return []
    a = t.risk_assessments
    facts: list[AssessmentFacts] = []
    stored: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for row in conn.execute(select(a).where(a.c.record_key.in_(keys))):
        record = parse_record(row.document)
        assert isinstance(record, RiskAssessment)
        graded, problem = graded_facts(record)
        if problem is not None:  # e.g. a judgement with no reason: shown ungraded, and why
            problems[row.ref] = problem
        facts.append(replace(graded, assessed_at=row.assessed_at))  # the stored time, in UTC
        stored[row.ref] = row
    points = []
    for point in assessment_trend(facts):
        row = stored[point.ref]
        points.append(
            AssessmentPoint(
                ref=point.ref,
                checklist=point.checklist,
                incident_ref=row.incident_ref,
                assessed_at=point.assessed_at,
                yes_count=point.yes_count or 0,
                grade=point.grade.value if point.grade is not None else None,
                judgement_grade=row.judgement_grade,
                safety_plan=bool(row.safety_plan),
                score_change=point.score_change,
                grade_change=point.grade_change,
                trend=point.reason,
                grading_problem=problems.get(point.ref),
            )
        )
    return points


def person_profile(conn: Connection, entity_id: str, today: date | None = None) -> PersonProfile:
    """Everything known about entity ``entity_id``; :class:`NotFound` if there is no such entity.

    ``today`` decides which orders are active; it defaults to the day of the person's latest
    record (this function reads no clock).
    """
    entity = conn.execute(select(t.entities).where(t.entities.c.id == entity_id)).first()
    if entity is None:
        raise NotFound(f"no person {entity_id}")
    mentions = _mentions(conn, entity_id)
    keys: set[str] = set().union(*records_of_entities(conn, [entity_id]).values())
    entries = record_entries(conn, keys)
    roles = roles_in(conn, keys)
    timeline = sorted(
        (
            TimelineEntry(
                e.when,
                e.record_key,
                e.ref,
                e.kind,
                e.title,
                [f"{name} ({role})" for _entity, role, name in roles.get(k, [])],
            )
            for k, e in entries.items()
        ),
        key=lambda e: (e.when, e.record_key),
        reverse=True,
    )
    day = today or (timeline[0].when.date() if timeline else entity.updated_at.date())
    orders = orders_for(conn, entity_id, keys, day)
    assessments = _assessments(conn, keys)
    alerts = with_actions(
        conn,
        list_alerts(conn, status="open", entity_id=entity_id)
        + list_alerts(conn, status="closed", entity_id=entity_id),
    )
    return PersonProfile(
        entity_id=entity.id,
        kind=entity.kind,
        label=entity.label,
        mentions=mentions,
        timeline=timeline,
        orders=orders,
        assessments=assessments,
        alerts=alerts,
        history=entity_history(conn, entity_id),
        record_keys=sorted(keys),
        summary=summary_strip(orders, alerts, assessments),
        folded_alerts=fold_alerts(alerts),
    )


def load_person_profile(
    engine: Engine, entity_id: str, today: date | None = None
) -> dict[str, Any] | None:
    """:func:`person_profile` as a plain dict, or ``None`` for an unknown id: the API's
    profile loader (:data:`ProfileLoader`)."""
    with engine.connect() as conn:
        try:
            return person_profile(conn, entity_id, today).to_dict()
        except NotFound:
            return None


# -- why these records are one person ------------------------------------------------------------


def _best_pair(
    model: LinkageModel, row: Mapping[str, Any], others: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    if not others:
        return None
    scored = score_pairs(model, row, others)
    best: dict[str, Any] = scored.iloc[0].to_dict()
    return best


def membership_evidence(
    conn: Connection, model: LinkageModel, entity_id: str
) -> list[MemberEvidence]:
    """For each member mention of ``entity_id``: the member it is linked to, the model's
    probability for that pair and the evidence in words, scored now with ``model``.

    A member whose membership names its partner (``linked_to``, as batch resolution writes) is
    scored against that partner; any other member (joined at call time,
    moved by a reviewer) against every fellow member, keeping the strongest. Notes a reviewer
    left (``judged the same person as ...``, ``split from ...``) come after the model's lines.
    The only member of an entity has no partner and says so. :class:`NotFound` for an unknown id.
    """
    exists = conn.execute(select(t.entities.c.id).where(t.entities.c.id == entity_id)).first()
    if exists is None:
        raise NotFound(f"no person {entity_id}")
    em = t.entity_members
    members = conn.execute(
        select(em.c.mention_key, em.c.evidence, em.c.linked_to)
        .where(em.c.entity_id == entity_id)
        .order_by(em.c.mention_key)
    ).all()
    features = {
        row["unique_id"]: row for row in feature_rows(conn, [m.mention_key for m in members])
    }
    result = []
    for member in members:
        named = member.linked_to
        notes = [
            s
            for s in read_evidence(member.evidence)
            if not (isinstance(s, Sentence) and s.evidence.comparison == SUMMARY)
        ]
        row = features.get(member.mention_key)
        if named in features and named != member.mention_key:
            partners = [features[named]]
        else:
            partners = [f for key, f in features.items() if key != member.mention_key]
        best = _best_pair(model, row, partners) if row is not None else None
        if best is None:
            lines = notes or ["the only record of this person: nothing to link"]
            result.append(MemberEvidence(member.mention_key, None, None, lines))
            continue
        result.append(
            MemberEvidence(
                member.mention_key,
                str(best["unique_id_r"]),
                float(best["match_probability"]),
                explain_pair(model, best) + notes,
            )
        )
    return result


# -- disclosure to roles without contact-detail access: decided in guard/disclosure.py -----------


def withhold_contact_evidence(lines: Sequence[str]) -> list[str]:
    """Evidence lines as a role without contact-detail access sees them: each piece flagged as
    contact detail (:class:`~threadline.resolve.explain.Evidence`) without its values; the kind
    of evidence and its weight stay.

    >>> from threadline.resolve.explain import Evidence
    >>> phone = Evidence("phones", 9.8, 1, "", (["+447700900123"], ["+447700900123"]), True)
    >>> withhold_contact_evidence([Sentence(phone)])
    ['phone in both (withheld): +9.8']
    """
    return disclosure.disclose_evidence(lines, UserRole.analyst)


def redact_alerts(alerts: list[dict[str, Any]], role: str | UserRole) -> list[dict[str, Any]]:
    """:func:`threadline.guard.disclosure.disclose_alerts`."""
    return disclosure.disclose_alerts(alerts, role)


def redact_profile(profile: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """:func:`threadline.guard.disclosure.disclose_profile`."""
    return disclosure.disclose_profile(profile, role)


def redact_evidence(evidence: list[dict[str, Any]], role: str | UserRole) -> list[dict[str, Any]]:
    """:func:`threadline.guard.disclosure.disclose_members`: :func:`membership_evidence` (or
    search hits) as dicts, the evidence in words for ``role``."""
    return disclosure.disclose_members(evidence, role)


def redact_picture(picture: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """:func:`threadline.guard.disclosure.disclose_picture`."""
    return disclosure.disclose_picture(picture, role)
